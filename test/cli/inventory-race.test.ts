import { readdir, readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { HomePaths } from '../../src/home/paths.js';
import { validateInventoryText } from '../../src/inventory/validate.js';
import { makeTempHome, removeHome } from '../helpers/image-builder.js';
import { runBinary } from '../helpers/cli.js';

describe('concurrent inventory edits (the built binary)', () => {
  let paths: HomePaths;
  beforeEach(async () => {
    paths = await makeTempHome('rootcast-race-');
    await writeFile(paths.inventoryFile, '# shared by twenty writers\nserver: {url: "http://10.0.0.1:8780"}\nimages:\n  web: {}\n');
  });
  afterEach(async () => {
    await removeHome(paths);
  });

  test('20 parallel host add processes: every one exits 0 and every host is in the file', async () => {
    const names = Array.from({ length: 20 }, (_, index) => `web${String(index + 1).padStart(2, '0')}`);
    const runs = await Promise.all(names.map((name) => runBinary(['--home', paths.home, 'host', 'add', name, '--image', 'web'])));
    expect(runs.map((run) => [run.status, run.stderr])).toEqual(names.map(() => [0, '']));
    const text = await readFile(paths.inventoryFile, 'utf8');
    const { errors, inventory } = validateInventoryText(text, { storeImages: [] });
    expect(errors).toEqual([]);
    expect(inventory.hosts.map((host) => host.name).sort()).toEqual(names);
    expect(text.startsWith('# shared by twenty writers\n')).toBe(true);
    // The lock is gone and no temp file is left beside the inventory.
    expect(await readdir(paths.home)).toEqual(['rootcast.yaml']);
  });

  test('host add and group add racing each other all land', async () => {
    const runs = await Promise.all([
      ...Array.from({ length: 5 }, (_, index) => runBinary(['--home', paths.home, 'group', 'add', `g${index}`, '--image', 'web'])),
      ...Array.from({ length: 5 }, (_, index) => runBinary(['--home', paths.home, 'host', 'add', `db${index}`, '--image', 'web'])),
    ]);
    expect(runs.map((run) => run.status)).toEqual(Array(10).fill(0));
    const { inventory } = validateInventoryText(await readFile(paths.inventoryFile, 'utf8'));
    expect(Object.keys(inventory.groups).sort()).toEqual(['g0', 'g1', 'g2', 'g3', 'g4']);
    expect(inventory.hosts.map((host) => host.name).sort()).toEqual(['db0', 'db1', 'db2', 'db3', 'db4']);
  });
});

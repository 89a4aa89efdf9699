import { chmod, chown, stat, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { HomePaths } from '../../src/home/paths.js';
import { makeTempHome, removeHome } from '../helpers/image-builder.js';
import { runBinary } from '../helpers/cli.js';

const modeOf = async (file: string): Promise<number> => (await stat(file)).mode & 0o7777;

const withSecret = [
  'server: {url: "http://10.0.0.1:8780"}',
  'install:',
  '  timezone: Etc/UTC',
  '  rootPasswordHash: "$6$saltsalt$hashhashhash"',
  'hosts: {}',
  '',
].join('\n');

describe('the inventory file is private (the built binary)', () => {
  let paths: HomePaths;
  beforeEach(async () => {
    paths = await makeTempHome('rootcast-inventory-privacy-');
  });
  afterEach(async () => {
    await removeHome(paths);
  });

  test('init creates it 0600', async () => {
    expect((await runBinary(['--home', paths.home, 'init', '--server-url', 'http://10.0.0.1:8780'])).status).toBe(0);
    expect(await modeOf(paths.inventoryFile)).toBe(0o600);
  });

  test('host add and group add create it 0600 (and a missing home 0700)', async () => {
    const home = `${paths.home}/nested-home`;
    expect((await runBinary(['--home', home, 'host', 'add', 'web01'])).status).toBe(0);
    expect(await modeOf(`${home}/rootcast.yaml`)).toBe(0o600);
    expect(await modeOf(home)).toBe(0o700);
    expect((await runBinary(['--home', paths.home, 'group', 'add', 'web'])).status).toBe(0);
    expect(await modeOf(paths.inventoryFile)).toBe(0o600);
  });

  test('an existing file keeps the mode and group the admin gave it', async () => {
    await writeFile(paths.inventoryFile, 'hosts: {}\n');
    await chown(paths.inventoryFile, 0, 1234);
    await chmod(paths.inventoryFile, 0o640);
    expect((await runBinary(['--home', paths.home, 'host', 'add', 'web01'])).status).toBe(0);
    expect((await runBinary(['--home', paths.home, 'host', 'set', 'web01', '--ip', '10.0.0.11'])).status).toBe(0);
    const info = await stat(paths.inventoryFile);
    expect([info.mode & 0o7777, info.uid, info.gid]).toEqual([0o640, 0, 1234]);
  });

  test('inventory check warns (text and --json) when every user can read an inventory holding a root password hash', async () => {
    await writeFile(paths.inventoryFile, withSecret);
    await chmod(paths.inventoryFile, 0o644);
    const warning = `the inventory ${paths.inventoryFile} is readable by every user (mode 0644) and holds secrets: install.rootPasswordHash (line 4); run "chmod 600 ${paths.inventoryFile}"`;
    const text = await runBinary(['--home', paths.home, 'inventory', 'check']);
    expect(text).toEqual({ status: 0, stdout: 'inventory ok: 0 hosts, 0 groups, 0 images (1 warning)\n', stderr: `rootcast: warning: ${warning}\n` });
    const json = await runBinary(['--home', paths.home, '--json', 'inventory', 'check']);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, warnings: [{ path: '', message: warning, text: warning }] });
  });

  test('inventory check does not warn for a 0600 (or 0640) inventory with a secret, nor a 0644 one without', async () => {
    await writeFile(paths.inventoryFile, withSecret);
    for (const mode of [0o600, 0o640]) {
      await chmod(paths.inventoryFile, mode);
      expect(await runBinary(['--home', paths.home, 'inventory', 'check'])).toEqual({ status: 0, stdout: 'inventory ok: 0 hosts, 0 groups, 0 images\n', stderr: '' });
      expect(JSON.parse((await runBinary(['--home', paths.home, '--json', 'inventory', 'check'])).stdout)).toMatchObject({ ok: true, warnings: [] });
    }
    await writeFile(paths.inventoryFile, withSecret.replace(/ {2}rootPasswordHash.*\n/, ''));
    await chmod(paths.inventoryFile, 0o644);
    expect(await runBinary(['--home', paths.home, 'inventory', 'check'])).toMatchObject({ status: 0, stderr: '' });
  });

  test('inventory check names secret-looking vars too, and warns about a file every user can change', async () => {
    await writeFile(paths.inventoryFile, ['groups:', '  db: {vars: {dbPassword: hunter2, role: db}}', ''].join('\n'));
    await chmod(paths.inventoryFile, 0o666);
    const result = await runBinary(['--home', paths.home, 'inventory', 'check']);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('(mode 0666) and holds secrets: groups.db.vars.dbPassword (line 2);');
    expect(result.stderr).toContain(`rootcast: warning: the inventory ${paths.inventoryFile} can be changed by every user (mode 0666)`);
  });
});

import { appendFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRootcastError } from '../../../src/errors/rootcast-error.js';
import { resolveHomePaths, type HomePaths } from '../../../src/home/paths.js';
import { applyInventoryEdit } from '../../../src/inventory/apply-edit.js';
import { planHostAdd, parseHostAddRequest } from '../../../src/inventory/host-add.js';
import type { LoadedInventory } from '../../../src/inventory/load.js';
import { inventoryLockFile, withInventoryLock, writeInventoryIfUnchanged } from '../../../src/inventory/write.js';
import { tryLockFile, waitForLockFile } from '../../../src/sys/lock-file.js';

describe('inventory writes', () => {
  let home: string;
  let paths: HomePaths;
  let file: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'rootcast-write-'));
    paths = resolveHomePaths({ home });
    file = paths.inventoryFile;
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('waits for a held lock and takes it once released; gives up after its polls', async () => {
    const held = await tryLockFile(inventoryLockFile(file));
    if (!held.acquired) throw new Error('the lock should be free');
    const none = await waitForLockFile(inventoryLockFile(file), { polls: 2, pause: async () => undefined });
    expect(none).toEqual({ acquired: false, holder: process.pid });
    let pauses = 0;
    const waited = await waitForLockFile(inventoryLockFile(file), {
      pause: async () => {
        pauses += 1;
        await held.lock.release();
      },
    });
    expect(waited.acquired).toBe(true);
    expect(pauses).toBe(1);
    if (waited.acquired) await waited.lock.release();
    expect(await readdir(home)).toEqual([]);
  });

  it('a held lock is LOCKED (75) naming the holder, after the bounded wait', async () => {
    const held = await tryLockFile(inventoryLockFile(file));
    const error = await withInventoryLock(file, async () => 'never', { polls: 1, pause: async () => undefined }).catch((caught: unknown) => caught);
    expect(isRootcastError(error) && [error.code, error.exitStatus, error.message]).toEqual(['LOCKED', 75, `the inventory ${file} is being edited by process ${process.pid}`]);
    if (held.acquired) await held.lock.release();
  });

  it('refuses to replace a file that changed since it was read, leaving it and no temp file', async () => {
    await writeFile(file, 'a: 1\n');
    expect(await writeInventoryIfUnchanged(file, 'a: 1\n', 'b: 2\n')).toBe(true);
    expect(await readFile(file, 'utf8')).toBe('b: 2\n');
    expect(await writeInventoryIfUnchanged(file, 'a: 1\n', 'c: 3\n')).toBe(false);
    expect(await writeInventoryIfUnchanged(file, undefined, 'c: 3\n')).toBe(false);
    expect(await readFile(file, 'utf8')).toBe('b: 2\n');
    expect(await readdir(home)).toEqual(['rootcast.yaml']);
  });

  /** `host add NAME` whose planning step lets `meanwhile(call)` act after the file was read, before it is replaced. */
  const addHost = (name: string, meanwhile: (call: number) => void) => {
    let calls = 0;
    const hosts = parseHostAddRequest({ spec: name, groups: [], macs: [], vars: [] });
    const run = () =>
      applyInventoryEdit(paths, { what: `add ${name}`, dryRun: false }, (loaded: LoadedInventory) => {
        calls += 1;
        meanwhile(calls);
        return planHostAdd(loaded, name, hosts);
      });
    return { run, calls: () => calls };
  };

  it('a file changed behind the lock between read and rename is re-read and re-planned: both changes survive', async () => {
    await writeFile(file, 'hosts:\n  db01: {}\n');
    // Call 1 is the refusal check before the lock; call 2 is the first attempt under it: an editor saves then.
    const edit = addHost('web01', (call) => {
      if (call === 2) appendFileSync(file, '  db02: {}\n');
    });
    await edit.run();
    expect(edit.calls()).toBe(3);
    expect(await readFile(file, 'utf8')).toBe('hosts:\n  db01: {}\n  db02: {}\n  web01: {}\n');
    expect(await readdir(home)).toEqual(['rootcast.yaml']);
  });

  it('a file that keeps changing is refused after the bounded retries (TEMPORARY, 75), keeping the other writer', async () => {
    await writeFile(file, 'hosts:\n  db01: {}\n');
    const edit = addHost('web01', (call) => {
      if (call >= 2) appendFileSync(file, `  other${call}: {}\n`);
    });
    const error = await edit.run().catch((caught: unknown) => caught);
    expect(isRootcastError(error) && [error.code, error.exitStatus]).toEqual(['TEMPORARY', 75]);
    expect((error as Error).message).toBe(`the inventory ${file} changed while rootcast was trying to add web01 (3 times); re-run`);
    expect(await readFile(file, 'utf8')).toBe('hosts:\n  db01: {}\n  other2: {}\n  other3: {}\n  other4: {}\n');
    expect(await readdir(home)).toEqual(['rootcast.yaml']);
  });
});

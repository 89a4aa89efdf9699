import { chmod, chown, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { resolveHomePaths, type HomePaths } from '../../../src/home/paths.js';
import { ensurePrivateHome, privateDirNames, privateDirPaths } from '../../../src/home/private-home.js';

const modeAndOwner = async (path: string): Promise<string> => {
  const info = await stat(path);
  return `${(info.mode & 0o7777).toString(8)} ${info.uid}:${info.gid}`;
};

describe('ensurePrivateHome', () => {
  let scratch: string;
  let paths: HomePaths;
  beforeEach(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'rootcast-private-home-'));
    paths = resolveHomePaths({ home: join(scratch, 'home') });
  });
  afterEach(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  test('creates a missing home 0700 and only the directories asked for', async () => {
    await ensurePrivateHome(paths, { create: ['images'] });
    expect(await modeAndOwner(paths.home)).toBe('700 0:0');
    expect(await readdir(paths.home)).toEqual(['images']);
    expect(await modeAndOwner(paths.imagesDir)).toBe('700 0:0');
    await ensurePrivateHome(paths, { create: privateDirNames });
    expect((await readdir(paths.home)).sort()).toEqual([...privateDirNames].sort());
    for (const dir of Object.values(privateDirPaths(paths))) expect(await modeAndOwner(dir)).toBe('700 0:0');
  });

  test('tightens existing directories: 0755, setgid, another owner', async () => {
    const dirs = privateDirPaths(paths);
    await mkdir(paths.home, { mode: 0o755 });
    await mkdir(dirs.images);
    await chmod(dirs.images, 0o755);
    await mkdir(dirs.state);
    await chmod(dirs.state, 0o2750);
    await mkdir(dirs.overrides, { mode: 0o700 });
    await chown(dirs.overrides, 1234, 1234);
    await ensurePrivateHome(paths);
    for (const name of ['images', 'state', 'overrides'] as const) expect(await modeAndOwner(dirs[name])).toBe('700 0:0');
    // Nothing asked to be created, so nothing is; a 0755 home others cannot write is accepted as it is.
    expect((await readdir(paths.home)).sort()).toEqual(['images', 'overrides', 'state']);
    expect(await modeAndOwner(paths.home)).toBe('755 0:0');
  });

  test.each([
    ['writable by others', 0o777, 0],
    ['writable by its group', 0o775, 0],
    ['owned by another user', 0o755, 1234],
  ])('refuses a home %s (77) and changes nothing', async (_what, mode, uid) => {
    await mkdir(paths.home);
    await chmod(paths.home, mode);
    await chown(paths.home, uid, 0);
    await mkdir(paths.imagesDir, { mode: 0o755 });
    await chmod(paths.imagesDir, 0o755);
    await expect(ensurePrivateHome(paths, { create: ['secrets'] })).rejects.toMatchObject({
      code: 'PERMISSION',
      exitStatus: 77,
      message: `the rootcast home ${paths.home} can be changed by other users (owner uid ${uid}, mode 0${mode.toString(8)})`,
    });
    expect(await readdir(paths.home)).toEqual(['images']);
    expect(await modeAndOwner(paths.imagesDir)).toBe('755 0:0');
  });

  test('a file where a private directory belongs is bad data, named', async () => {
    await mkdir(paths.home, { mode: 0o700 });
    await writeFile(paths.stateDir, 'not a directory\n');
    await expect(ensurePrivateHome(paths)).rejects.toMatchObject({ code: 'INVALID_DATA', message: `${paths.stateDir} is not a directory` });
  });
});

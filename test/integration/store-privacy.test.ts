import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { HomePaths } from '../../src/home/paths.js';
import { privateDirNames, privateDirPaths } from '../../src/home/private-home.js';
import { imageLayout } from '../../src/image/layout.js';
import { makeTempHome, removeHome } from '../helpers/image-builder.js';
import { snapshotTree } from '../helpers/tree-snapshot.js';
import { runBinary, type CliRun } from '../helpers/cli.js';
import { startServeForTests } from '../helpers/serve-for-tests.js';

/** A local user of the image server whose uid and gid happen to own files inside an image. */
const user = 1234;
const setpriv = '/usr/bin/setpriv';

/** Runs a command as that user, with no supplementary groups (setpriv is util-linux). */
const asUser = (command: readonly string[]): Promise<CliRun> =>
  new Promise((resolve) => {
    execFile(setpriv, ['--reuid', String(user), '--regid', String(user), '--clear-groups', ...command], (error, stdout, stderr) => {
      const code = (error as { code?: unknown } | null)?.code;
      resolve({ status: error === null ? 0 : typeof code === 'number' ? code : -1, stdout, stderr });
    });
  });

const readAs = (file: string): Promise<CliRun> => asUser(['cat', file]);
const appendAs = (file: string): Promise<CliRun> => asUser(['sh', '-c', 'echo changed >> "$1"', 'sh', file]);

const expectDenied = (run: CliRun): void => {
  expect(run.status).not.toBe(0);
  expect(run.stderr).toContain('Permission denied');
};

/** Mode and owner of each private directory, as `images 700 0:0`. */
const privateModes = async (paths: HomePaths): Promise<string[]> => {
  const dirs = privateDirPaths(paths);
  return Promise.all(
    privateDirNames.map(async (name) => {
      const info = await stat(dirs[name]);
      return `${name} ${(info.mode & 0o7777).toString(8)} ${info.uid}:${info.gid}`;
    }),
  );
};

const allPrivate = privateDirNames.map((name) => `${name} 700 0:0`);

/** A home as an older rootcast left it: the home and every directory 0755, one even owned by the local user. */
const loosenHome = async (paths: HomePaths): Promise<void> => {
  await chmod(paths.home, 0o755);
  const dirs = privateDirPaths(paths);
  for (const name of privateDirNames) {
    await mkdir(dirs[name], { recursive: true });
    await chmod(dirs[name], 0o755);
  }
  await chown(dirs.overrides, user, user);
};

describe('the image store and state are private to root', () => {
  let paths: HomePaths;
  let source: string;
  beforeAll(() => {
    expect(existsSync(setpriv), `${setpriv} (util-linux) runs the probes as uid ${user}`).toBe(true);
  });
  beforeEach(async () => {
    paths = await makeTempHome('rootcast-privacy-');
    source = await mkdtemp(join(tmpdir(), 'rootcast-privacy-src-'));
    await mkdir(join(source, 'etc'));
    await writeFile(join(source, 'etc/owned'), 'original\n', { mode: 0o644 });
    await chown(join(source, 'etc/owned'), user, user);
    await writeFile(join(source, 'etc/shadow'), 'root:$6$hash:19000::::::\n', { mode: 0o640 });
    await chown(join(source, 'etc/shadow'), 0, user);
  });
  afterEach(async () => {
    await removeHome(paths);
    await rm(source, { recursive: true, force: true });
  });

  test('a user whose uid/gid owns files of a committed version can neither read nor change them, nor list images/', async () => {
    // A home others may traverse (as /var/lib/rootcast often is): only images/ itself may stop them.
    await chmod(paths.home, 0o755);
    const captured = await runBinary(['--home', paths.home, 'capture', '--from-dir', source, '--image', 'web']);
    expect(captured.status).toBe(0);
    const root = imageLayout(paths).versionRoot('web', 1);
    const owned = join(root, 'etc/owned');
    const shadow = join(root, 'etc/shadow');
    // The image keeps its numeric owners (deploys need them): only the store's directories protect them.
    expect([(await stat(owned)).uid, (await stat(shadow)).gid]).toEqual([user, user]);

    // Control: the same probes succeed on the same files outside the store, so a denial below is the store's doing.
    const outside = await mkdtemp(join(tmpdir(), 'rootcast-privacy-outside-'));
    try {
      await chmod(outside, 0o755);
      await copyFile(owned, join(outside, 'owned'));
      await chown(join(outside, 'owned'), user, user);
      await copyFile(shadow, join(outside, 'shadow'));
      await chown(join(outside, 'shadow'), 0, user);
      await chmod(join(outside, 'shadow'), 0o640);
      expect(await appendAs(join(outside, 'owned'))).toMatchObject({ status: 0 });
      expect(await readAs(join(outside, 'shadow'))).toMatchObject({ status: 0, stdout: 'root:$6$hash:19000::::::\n' });
    } finally {
      await rm(outside, { recursive: true, force: true });
    }

    expectDenied(await readAs(owned));
    expectDenied(await appendAs(owned));
    expectDenied(await readAs(shadow));
    expectDenied(await asUser(['ls', paths.imagesDir]));
    expectDenied(await asUser(['ls', root]));
    expect(await readFile(owned, 'utf8')).toBe('original\n');
    const images = await stat(paths.imagesDir);
    expect([images.mode & 0o777, images.uid]).toEqual([0o700, 0]);
  });

  test('an older home with 0755 directories is tightened by the next capture --from-dir', async () => {
    await loosenHome(paths);
    expect(await asUser(['ls', paths.imagesDir])).toMatchObject({ status: 0 });
    const captured = await runBinary(['--home', paths.home, 'capture', '--from-dir', source, '--image', 'web']);
    expect(captured.status).toBe(0);
    expect(await privateModes(paths)).toEqual(allPrivate);
    expectDenied(await readAs(join(imageLayout(paths).versionRoot('web', 1), 'etc/owned')));
  });

  test('an older home is tightened by host add, which creates none of the store directories in a fresh home', async () => {
    const fresh = await runBinary(['--home', paths.home, 'host', 'add', 'web01']);
    expect(fresh.status).toBe(0);
    expect(await readdir(paths.home)).toEqual(['rootcast.yaml']);
    await loosenHome(paths);
    expect((await runBinary(['--home', paths.home, 'host', 'add', 'web02'])).status).toBe(0);
    expect(await privateModes(paths)).toEqual(allPrivate);
  });

  test("serve's start tightens an older home, and its rsync daemon (root) still serves the image", async () => {
    await loosenHome(paths);
    const serve = await startServeForTests({ home: paths.home, hosts: [{ name: 'web07', macs: [], ip: '127.0.0.1', imageRef: 'web' }], images: [{ image: 'web', version: 1, root: source }] });
    try {
      expect(await privateModes(paths)).toEqual(allPrivate);
      const token = await serve.token('web07');
      // The token goes into the daemon's secrets file on the next rewrite; a reload does one now.
      expect(await serve.server.reload()).toMatchObject({ ok: true });
      const target = join(source, 'deployed');
      const url = `rsync://install.web07@127.0.0.1:${serve.server.rsync.port}/img.web.1/`;
      const pull = await new Promise<number>((resolve) => {
        execFile('rsync', ['-aHAXS', '--numeric-ids', url, `${target}/`], { env: { ...process.env, RSYNC_PASSWORD: token } }, (error) =>
          resolve(error === null ? 0 : Number((error as { code?: unknown }).code)),
        );
      });
      expect(pull).toBe(0);
      const shadow = await stat(join(target, 'etc/shadow'));
      expect([shadow.uid, shadow.gid, shadow.mode & 0o777]).toEqual([0, user, 0o640]);
    } finally {
      await serve.stop();
    }
  });

  test('a home other users can write is refused (77) before anything is written', async () => {
    await chmod(paths.home, 0o777);
    const before = snapshotTree(paths.home);
    for (const args of [['host', 'add', 'web01'], ['capture', '--from-dir', source, '--image', 'web']]) {
      const refused = await runBinary(['--home', paths.home, ...args]);
      expect(refused.status).toBe(77);
      expect(refused.stderr).toContain(`rootcast: error [PERMISSION]: the rootcast home ${paths.home} can be changed by other users (owner uid 0, mode 0777)`);
      expect(refused.stderr).toContain(`chmod go-w ${paths.home}`);
    }
    expect(snapshotTree(paths.home)).toEqual(before);
  });
});

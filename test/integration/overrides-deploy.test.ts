import { execFile } from 'node:child_process';
import { lstat, mkdir, readFile, readdir, readlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { HomePaths } from '../../src/home/paths.js';
import { loadHostOverrides, type HostOverrides, type HostOverridesRequest } from '../../src/overrides/host-overrides.js';
import { planSyncFilters } from '../../src/overrides/sync-filters.js';
import { materialiseHostTree } from '../../src/overrides/write-tree.js';
import { execProcess } from '../../src/sys/exec.js';
import { compareTrees } from '../helpers/fidelity-tree.js';
import { buildInstalledTarget, makeOverrideHome, removeOverrideHome, stampLayers, web07Request, type OverrideHome } from '../helpers/override-fixture.js';

const exec = promisify(execFile);
const keepPaths = ['/etc/fstab', '/etc/crypttab', '/boot/efi/'];

/** The runner's image pass (sys/rsync-pull.ts flags, local source) with the instructions' image filters. */
const imagePass = (imageRoot: string, target: string, filters: readonly string[]) =>
  exec('rsync', ['-aHAXS', '--numeric-ids', '--delete', ...keepPaths.map((path) => `--exclude=${path}`), ...filters.map((rule) => `--filter=${rule}`), '--', `${imageRoot}/`, `${target}/`]);

/** The overrides pass as docs/overrides.md gives it. */
const overridesPass = (tree: string, target: string, filters: readonly string[]) =>
  exec('rsync', ['-aHAX', '--numeric-ids', '--delete', '--checksum', ...filters.map((rule) => `--filter=${rule}`), '--', `${tree}/`, `${target}/`]);

const attrs = async (path: string): Promise<string> => (await exec('getfattr', ['-h', '-d', '-m', '-', '--absolute-names', path])).stdout;
const facts = async (path: string): Promise<string> => {
  const stats = await lstat(path);
  return `${(stats.mode & 0o7777).toString(8)} ${stats.uid}:${stats.gid}`;
};

describe('image pass + overrides pass with real rsync = image + layers', () => {
  let home: OverrideHome;
  let paths: HomePaths;
  let work: string;
  let request: HostOverridesRequest;

  beforeEach(async () => {
    home = await makeOverrideHome('rootcast-ovl-deploy');
    ({ paths, work } = home);
    request = await web07Request(paths, { role: 'frontend' }, 'web07.lab.example');
  });
  afterEach(() => removeOverrideHome(home));

  /** What serve does for a deploy request (build the tree, plan the filters), then both passes onto `target`. */
  const deploy = async (target: string, name: string): Promise<HostOverrides> => {
    const overrides = await loadHostOverrides(request);
    const tree = join(work, `tree-${name}`);
    await mkdir(tree);
    await materialiseHostTree(execProcess, overrides, tree, join(work, `tree-${name}.templates`));
    // The served tree is exactly the resolved paths: nothing of the image, no template sources, no staging left.
    expect((await readdir(tree, { recursive: true })).map((path) => `/${path}`).sort()).toEqual(overrides.tree.nodes.map((node) => node.path).sort());
    expect((await readdir(work)).filter((entry) => entry.endsWith('.templates'))).toEqual([]);
    const filters = planSyncFilters(overrides.tree, keepPaths);
    await imagePass(request.imageRoot, target, filters.image);
    await overridesPass(tree, target, filters.overrides);
    return overrides;
  };

  test('a fresh install: whiteouts gone, opaque directories replaced, templates rendered, metadata kept', async () => {
    const target = join(work, 'target');
    buildInstalledTarget(target);
    const overrides = await deploy(target, 'first');
    const read = (path: string) => readFile(join(target, path), 'utf8');

    expect(await read('etc/motd')).toBe('motd from all\n');
    // chmod 0600 + an ACL entry: the group bits show the ACL mask (rw), as on the layer file.
    expect(await facts(join(target, 'etc/motd'))).toBe('660 123:456');
    expect(await attrs(join(target, 'etc/motd'))).toMatch(/user\.layer="all"/);
    expect((await exec('getfacl', ['-cp', join(target, 'etc/motd')])).stdout).toContain('user:12345:rw-');
    // The template: rendered, with the template file's owner, mode, ACL and xattrs.
    expect(await read('etc/hostname')).toBe('web07.lab.example frontend\n');
    expect(await facts(join(target, 'etc/hostname'))).toBe(await facts(join(paths.overridesDir, 'host/web07/etc/hostname.hbs')));
    expect(await facts(join(target, 'etc/hostname'))).toBe('640 7:0');
    expect(await attrs(join(target, 'etc/hostname'))).toMatch(/user\.kind="template"/);
    expect((await exec('getfacl', ['-cp', join(target, 'etc/hostname')])).stdout).toContain('group:23456:r--');
    await expect(lstat(join(target, 'etc/hostname.hbs'))).rejects.toThrow(/ENOENT/);
    expect(await read('srv/site/index.html')).toBe('<h1>{{not a template}}</h1>\n');
    // The opaque directory holds the layers' entries only, and keeps the image's own owner and mode.
    expect((await readdir(join(target, 'etc/app'))).sort()).toEqual(['new.conf']);
    expect(await facts(join(target, 'etc/app'))).toBe('750 33:33');
    // Whiteouts: gone from the image's copy; the rest of the directory stays.
    expect((await readdir(join(target, 'etc/cron.d'))).sort()).toEqual(['keep']);
    await expect(lstat(join(target, 'etc/gone'))).rejects.toThrow(/ENOENT/);
    // A file replacing an image directory, though the installed system had files in it.
    expect(await read('etc/conf.d')).toBe('conf.d is a file now\n');
    // Symlinks arrive as symlinks, never followed.
    expect(await readlink(join(target, 'etc/abs-link'))).toBe('/etc/passwd');
    expect(await readlink(join(target, 'etc/rel-link'))).toBe('motd');
    expect(await readlink(join(target, 'lib'))).toBe('usr/lib');
    // Directories the image has keep the image's metadata (its xattr), the kept path the installer's file.
    expect(await attrs(join(target, 'etc'))).toMatch(/user\.from="image"/);
    expect(await read('etc/fstab')).toBe('UUID=1234 / ext4 defaults 0 1\n');
    // What the installer left and neither image nor layers have is gone, in image-owned and override-owned directories alike.
    await expect(lstat(join(target, 'etc/installer.conf'))).rejects.toThrow(/ENOENT/);
    expect((await readdir(join(target, 'srv/site'))).sort()).toEqual(['index.html', 'old.html']);
    expect((await readdir(join(target, 'srv'))).sort()).toEqual(['site']);
    expect((await readdir(target)).sort()).toEqual(['etc', 'lib', 'srv', 'usr']);
    expect(overrides.digests.map((digest) => digest.layer)).toEqual(['all', 'group/web', 'host/web07']);
  });

  test('an update after layer edits ends exactly where a fresh install of the edited layers does', async () => {
    const updated = join(work, 'updated');
    buildInstalledTarget(updated);
    const before = await deploy(updated, 'first');
    // Edits: a file leaves an override-only directory, a var changes, a new whiteout, a template becomes plain.
    await unlink(join(paths.overridesDir, 'all/srv/site/old.html'));
    await writeFile(join(paths.overridesDir, 'group/web/etc/cron.d/.wh.keep'), '');
    await unlink(join(paths.overridesDir, 'host/web07/etc/hostname.hbs'));
    await writeFile(join(paths.overridesDir, 'host/web07/etc/hostname'), 'plain\n');
    stampLayers(paths.overridesDir);
    request = { ...request, context: { ...request.context, vars: { role: 'backend' } } };
    const after = await deploy(updated, 'second');
    expect(after.digests).not.toEqual(before.digests);

    const fresh = join(work, 'fresh');
    buildInstalledTarget(fresh);
    await deploy(fresh, 'third');
    expect(compareTrees(fresh, updated)).toEqual([]);
    expect((await readdir(join(updated, 'srv/site'))).sort()).toEqual(['index.html']);
    expect(await readdir(join(updated, 'etc/cron.d'))).toEqual([]);
    expect(await readFile(join(updated, 'etc/hostname'), 'utf8')).toBe('plain\n');
  });
});

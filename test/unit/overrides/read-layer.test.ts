import { chmod, chown, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { explainPath, normaliseTreePath } from '../../../src/overrides/explain.js';
import { readHostLayers } from '../../../src/overrides/host-overrides.js';
import { readLayerDirs } from '../../../src/overrides/layer-dirs.js';
import { readLayer } from '../../../src/overrides/read-layer.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rootcast-layer-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const request = (overridesDir: string) => ({
  overridesDir,
  subject: { name: 'web07', imageName: 'web', groups: ['web'] },
  known: { hosts: ['web07'], groups: ['web'] },
});

describe('reading a layer', () => {
  test('lstat only: symlinks are entries with their target (absolute, relative, dangling), never followed', async () => {
    const root = join(dir, 'all');
    await mkdir(join(root, 'etc'), { recursive: true });
    await writeFile(join(root, 'etc/motd.hbs'), 'hi {{host.name}}\n');
    await chown(join(root, 'etc/motd.hbs'), 123, 456);
    await chmod(join(root, 'etc/motd.hbs'), 0o640);
    await symlink('/etc/passwd', join(root, 'etc/abs'));
    await symlink('../..', join(root, 'etc/up'));
    await symlink('nowhere', join(root, 'etc/dangling'));
    const read = await readLayer({ kind: 'all' }, root);
    expect(read?.problems).toEqual([]);
    const entries = read?.listing.entries.map((entry) => [entry.path, entry.type, entry.target ?? entry.sha256?.slice(0, 8) ?? '', entry.mode.toString(8), `${entry.uid}:${entry.gid}`]);
    expect(entries).toEqual([
      ['/etc', 'dir', '', '755', '0:0'],
      ['/etc/abs', 'symlink', '/etc/passwd', '777', '0:0'],
      ['/etc/dangling', 'symlink', 'nowhere', '777', '0:0'],
      ['/etc/motd.hbs', 'file', expect.stringMatching(/^[0-9a-f]{8}$/), '640', '123:456'],
      ['/etc/up', 'symlink', '../..', '777', '0:0'],
    ]);
    expect(read?.listing.entries.find((entry) => entry.path === '/etc/motd.hbs')?.templateSource).toBe('hi {{host.name}}\n');
  });

  test('a missing layer is no layer; a layer that is a symlink or a file is an error (a symlink would lead out of the home)', async () => {
    expect(await readLayer({ kind: 'all' }, join(dir, 'all'))).toBeUndefined();
    await mkdir(join(dir, 'elsewhere'));
    await symlink(join(dir, 'elsewhere'), join(dir, 'all'));
    await expect(readLayer({ kind: 'all' }, join(dir, 'all'))).rejects.toMatchObject({ code: 'INVALID_DATA', message: expect.stringContaining(`the override layer ${dir}/all is not a directory (it is a symlink)`) });
    await mkdir(join(dir, 'overrides'));
    await symlink(join(dir, 'elsewhere'), join(dir, 'overrides', 'group'));
    await expect(readLayerDirs(join(dir, 'overrides'))).rejects.toMatchObject({ code: 'INVALID_DATA', message: expect.stringContaining('overrides/group is not a directory') });
  });

  test('names that are not UTF-8 or hold control characters are problems naming the file', async () => {
    const root = join(dir, 'all');
    await mkdir(root);
    await writeFile(Buffer.from(`${root}/bad-\xff`, 'latin1'), '');
    await writeFile(join(root, 'tab\there'), '');
    const read = await readLayer({ kind: 'all' }, root);
    expect(read?.problems.map((problem) => problem.file)).toEqual([`${root}/bad-\\xff`, `${root}/tab\\there`]);
    expect(read?.listing.entries).toEqual([]);
  });

  test('layer directories of unknown groups and stray names are reported with the layers\' own problems; another host\'s leftover layer is not this host\'s problem', async () => {
    const overrides = join(dir, 'overrides');
    for (const path of ['all/etc', 'group/web', 'group/wbe', 'host/web07', 'host/web99', 'hosts']) await mkdir(join(overrides, path), { recursive: true });
    await writeFile(join(overrides, 'all/etc/.wh.'), '');
    await expect(readHostLayers(request(overrides))).rejects.toMatchObject({
      code: 'INVALID_DATA',
      message: 'the override layers of web07 have 3 problems',
      details: [
        `${overrides}/hosts: is not a layer: the overrides directory holds all/, image/<image>/, group/<group>/ and host/<host>/`,
        `${overrides}/group/wbe: no group "wbe" in the inventory: rename the layer to an existing group, or add the group`,
        `${overrides}/all/etc/.wh.: a whiteout must name what it deletes (.wh.NAME deletes NAME)`,
      ],
    });
  });
});

describe('explain', () => {
  test('names the provider and what it shadows, the whiteout that deletes a path, the opaque directory that hides one, or the image', async () => {
    const overrides = join(dir, 'overrides');
    for (const path of ['all/etc/app', 'group/web/etc/app', 'host/web07/etc']) await mkdir(join(overrides, path), { recursive: true });
    await writeFile(join(overrides, 'all/etc/motd'), 'all');
    await writeFile(join(overrides, 'all/etc/app/a.conf'), 'a');
    await writeFile(join(overrides, 'group/web/etc/app/.wh..wh..opq'), '');
    await writeFile(join(overrides, 'host/web07/etc/motd.hbs'), '{{host.name}}');
    await writeFile(join(overrides, 'host/web07/etc/.wh.issue'), '');
    const { merged } = await readHostLayers(request(overrides));
    const unknown = { kind: 'unknown' } as const;
    expect(explainPath(merged, '/etc/motd', unknown)).toMatchObject({ kind: 'provided', by: { layer: { kind: 'host' }, source: '/etc/motd.hbs' }, template: true, shadows: [{ layer: { kind: 'all' }, source: '/etc/motd' }] });
    expect(explainPath(merged, '/etc/issue', unknown)).toMatchObject({ kind: 'deleted', removal: { kind: 'whiteout', by: { source: '/etc/.wh.issue' } } });
    expect(explainPath(merged, '/etc/issue/sub', unknown)).toMatchObject({ kind: 'deleted', removal: { path: '/etc/issue' } });
    expect(explainPath(merged, '/etc/app/a.conf', unknown)).toMatchObject({ kind: 'hidden', hidden: { object: { layer: { kind: 'all' } }, by: { kind: 'opaque', path: '/etc/app' } } });
    expect(explainPath(merged, '/etc/app/other', unknown)).toMatchObject({ kind: 'deleted', removal: { kind: 'opaque', path: '/etc/app' } });
    expect(explainPath(merged, '/etc/passwd', unknown)).toEqual({ kind: 'image', path: '/etc/passwd', image: unknown });
    expect(normaliseTreePath('etc//motd/')).toBe('/etc/motd');
    expect(() => normaliseTreePath('/etc/../motd')).toThrow(/contains "\." or "\.\." components/);
  });
});

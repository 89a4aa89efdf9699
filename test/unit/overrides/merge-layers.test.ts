import { describe, expect, test } from 'vitest';
import { layerLabel } from '../../../src/overrides/layer-id.js';
import { formatLayerObject, mergeLayers } from '../../../src/overrides/merge-layers.js';
import type { MergedTree } from '../../../src/overrides/merged-tree.js';
import { layer } from './layer-builders.js';

/** path → "layer:source" of every merged entry. */
const providers = (tree: MergedTree): Record<string, string> =>
  Object.fromEntries(tree.entries.map((entry) => [entry.path, `${layerLabel(entry.layer)}:${entry.entry.path}`]));

const entryAt = (tree: MergedTree, path: string) => {
  const entry = tree.entries.find((candidate) => candidate.path === path);
  if (entry === undefined) throw new Error(`no ${path} in the tree`);
  return entry;
};

const merge = (...layers: ReturnType<typeof layer>[]) => {
  const result = mergeLayers(layers);
  expect(result.problems).toEqual([]);
  return result.tree;
};

describe('layer resolution', () => {
  test('later layers win per path, directories merge, and each path names what it shadows', () => {
    const tree = merge(
      layer('all', '/etc/motd=all', '/etc/issue=all'),
      layer('image/web', '/etc/motd=image'),
      layer('group/web', '/etc/motd=web', '/etc/nginx/nginx.conf'),
      layer('group/eu', '/etc/motd=eu'),
      layer('host/web07', '/etc/hosts'),
    );
    expect(providers(tree)).toEqual({
      '/etc': 'host/web07:/etc',
      '/etc/hosts': 'host/web07:/etc/hosts',
      '/etc/issue': 'all:/etc/issue',
      '/etc/motd': 'group/eu:/etc/motd',
      '/etc/nginx': 'group/web:/etc/nginx',
      '/etc/nginx/nginx.conf': 'group/web:/etc/nginx/nginx.conf',
    });
    expect(entryAt(tree, '/etc/motd').shadows.map(formatLayerObject)).toEqual(['group/web:/etc/motd', 'image/web:/etc/motd', 'all:/etc/motd']);
    expect(entryAt(tree, '/etc').shadows.map(formatLayerObject)).toEqual(['group/eu:/etc', 'group/web:/etc', 'image/web:/etc', 'all:/etc']);
    expect(tree.entries.map((entry) => entry.path)).toEqual(['/etc', '/etc/hosts', '/etc/issue', '/etc/motd', '/etc/nginx', '/etc/nginx/nginx.conf']);
  });

  test('a template provides its name without .hbs; only regular files are templates', () => {
    const tree = merge(layer('all', '/etc/motd=plain'), layer('host/web07', '/etc/motd.hbs={{host.name}}', '/srv/site.hbs/', '/srv/link.hbs -> x'));
    expect(entryAt(tree, '/etc/motd')).toMatchObject({ template: true, layer: { kind: 'host' } });
    expect(entryAt(tree, '/etc/motd').shadows.map(formatLayerObject)).toEqual(['all:/etc/motd']);
    expect(entryAt(tree, '/srv/site.hbs').template).toBe(false);
    expect(entryAt(tree, '/srv/link.hbs').entry.target).toBe('x');
  });

  test('a whiteout deletes the path and its subtree from lower layers and the image; a higher layer may bring it back', () => {
    const tree = merge(
      layer('all', '/etc/cron.d/a', '/etc/app/x', '/etc/app/sub/y'),
      layer('group/web', '/etc/cron.d/.wh.a', '/etc/.wh.app', '/etc/.wh.gone'),
      layer('host/web07', '/etc/cron.d/a=again'),
    );
    expect(Object.keys(providers(tree))).toEqual(['/etc', '/etc/cron.d', '/etc/cron.d/a']);
    expect(entryAt(tree, '/etc/cron.d/a').shadows.map(formatLayerObject)).toEqual(['group/web:/etc/cron.d/.wh.a']);
    expect(tree.deletedFromImage).toEqual(['/etc/app', '/etc/gone']);
    const app = tree.removals.find((removal) => removal.path === '/etc/app');
    expect(app?.removes.map((removed) => removed.path)).toEqual(['/etc/app', '/etc/app/sub', '/etc/app/sub/y', '/etc/app/x']);
    expect(tree.hidden.find((hidden) => hidden.path === '/etc/app/sub/y')?.by).toMatchObject({ kind: 'whiteout', path: '/etc/app', source: '/etc/.wh.app' });
  });

  test('an opaque directory hides the lower layers and the image below it, not its own or higher entries', () => {
    const tree = merge(
      layer('all', '/etc/app/a.conf', '/etc/app/keep/k'),
      layer('group/web', '/etc/app/.wh..wh..opq', '/etc/app/web.conf'),
      layer('host/web07', '/etc/app/host.conf'),
    );
    expect(Object.keys(providers(tree))).toEqual(['/etc', '/etc/app', '/etc/app/host.conf', '/etc/app/web.conf']);
    const app = entryAt(tree, '/etc/app');
    expect(app.opaqueBy && formatLayerObject(app.opaqueBy)).toBe('group/web:/etc/app/.wh..wh..opq');
    expect(app.imageHidden).toBe(false);
    expect(entryAt(tree, '/etc/app/host.conf').imageHidden).toBe(true);
    expect(tree.removals).toEqual([expect.objectContaining({ kind: 'opaque', path: '/etc/app' })]);
    expect(tree.deletedFromImage).toEqual([]);
  });

  test('a whiteout of a directory followed by the directory in a higher layer makes it start empty (opaque)', () => {
    const tree = merge(layer('all', '/opt/tool/old'), layer('group/web', '/opt/.wh.tool'), layer('host/web07', '/opt/tool/new'));
    expect(Object.keys(providers(tree))).toEqual(['/opt', '/opt/tool', '/opt/tool/new']);
    expect(entryAt(tree, '/opt/tool').opaqueBy && formatLayerObject(entryAt(tree, '/opt/tool').opaqueBy!)).toBe('group/web:/opt/.wh.tool');
    expect(entryAt(tree, '/opt/tool').imageHidden).toBe(true);
    expect(tree.deletedFromImage).toEqual([]);
  });

  test('a non-directory replaces a lower directory with its subtree, and the image below it', () => {
    const tree = merge(layer('all', '/etc/conf.d/a', '/etc/conf.d/b/c'), layer('host/web07', '/etc/conf.d=now a file'));
    expect(Object.keys(providers(tree))).toEqual(['/etc', '/etc/conf.d']);
    expect(tree.hidden.map((hidden) => [hidden.path, hidden.by.kind])).toEqual([
      ['/etc/conf.d/a', 'replaced'],
      ['/etc/conf.d/b', 'replaced'],
      ['/etc/conf.d/b/c', 'replaced'],
    ]);
    expect(entryAt(tree, '/etc/conf.d').imageHidden).toBe(true);
  });

  test('the same layer may delete a lower path and provide it again (OCI: whiteouts act on lower layers)', () => {
    const tree = merge(layer('all', '/etc/x/old'), layer('host/web07', '/etc/.wh.x', '/etc/x/new'));
    expect(Object.keys(providers(tree))).toEqual(['/etc', '/etc/x', '/etc/x/new']);
    expect(entryAt(tree, '/etc/x').imageHidden).toBe(true);
  });
});

describe('layer problems, every one at once', () => {
  test('whiteouts of nothing, of "." or "..", reserved names, markers at the top and duplicate targets', () => {
    const { problems } = mergeLayers([
      layer('all', '/.wh..', '/etc/.wh.', '/etc/.wh...', '/etc/.wh..wh.plnk', '/.wh..wh..opq', '/etc/.hbs'),
      layer('host/web07', '/etc/motd', '/etc/motd.hbs'),
    ]);
    expect(problems.map((problem) => `${problem.file}: ${problem.message}`)).toEqual([
      '/home/overrides/all/.wh..: a whiteout of / would delete the whole image; whiteouts name one path (.wh.NAME deletes NAME)',
      '/home/overrides/all/.wh..wh..opq: .wh..wh..opq at the top of a layer would hide the whole image; put it into the directory to make opaque',
      '/home/overrides/all/etc/.hbs: a template renders to its name without .hbs; ".hbs" leaves no usable name',
      '/home/overrides/all/etc/.wh.: a whiteout must name what it deletes (.wh.NAME deletes NAME)',
      '/home/overrides/all/etc/.wh...: a whiteout of ".." would delete its own directory or escape it (use .wh.NAME in the parent directory)',
      '/home/overrides/all/etc/.wh..wh.plnk: names starting with .wh..wh. are reserved (the only one is .wh..wh..opq)',
      '/home/overrides/host/web07/etc/motd.hbs: /etc/motd in the same layer also provides /etc/motd; keep one of them',
    ]);
  });

  test('a whiteout or opaque marker that is a directory is refused', () => {
    const { problems } = mergeLayers([layer('all', '/etc/.wh.x/', '/etc/.wh..wh..opq/')]);
    expect(problems.map((problem) => problem.message)).toEqual([
      '.wh..wh..opq must be a file (it marks its directory opaque), not a directory',
      'a whiteout must be a file (an empty one will do), not a directory',
    ]);
  });
});

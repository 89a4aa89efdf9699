import { describe, expect, test } from 'vitest';
import { hostTreeDigest, layerDigests } from '../../../src/overrides/digest.js';
import { buildHostTree, type HostTree } from '../../../src/overrides/host-tree.js';
import type { ImageObject } from '../../../src/overrides/image-view.js';
import type { LayerListing } from '../../../src/overrides/layer-entry.js';
import { mergeLayers } from '../../../src/overrides/merge-layers.js';
import { renderTemplates } from '../../../src/overrides/render-templates.js';
import { belowPattern, exactPattern, planSyncFilters } from '../../../src/overrides/sync-filters.js';
import type { OverrideContext } from '../../../src/render/override-context.js';
import { layer } from './layer-builders.js';

const imageDir = (mode = 0o755, uid = 0): ImageObject => ({ type: 'dir', mode, uid, gid: 0, mtimeNs: 1_600_000_000_000_000_000n });
/** The image: "/" and /etc, /etc/app, /etc/ssh directories, /lib a symlink. */
const image = new Map<string, ImageObject>([
  ['', imageDir()],
  ['/etc', imageDir(0o755)],
  ['/etc/app', imageDir(0o750, 33)],
  ['/etc/ssh', imageDir()],
  ['/lib', { type: 'symlink', mode: 0o777, uid: 0, gid: 0, mtimeNs: 0n }],
]);
const context: OverrideContext = { host: { name: 'web07', fqdn: 'web07', macs: [] }, image: { name: 'web', ref: 'web@1' }, groups: [], vars: {}, server: {} };

const treeOf = (...layers: LayerListing[]): HostTree => {
  const { tree, problems } = mergeLayers(layers);
  expect(problems).toEqual([]);
  const rendered = renderTemplates(tree, layers, context);
  expect(rendered.problems).toEqual([]);
  return buildHostTree(rendered.tree, image);
};

describe('the host tree over the image', () => {
  test('directories the image has keep its metadata; new ones, and those under a hidden image path, keep the layer\'s', () => {
    const tree = treeOf(layer('all', '/etc/app/a', '/srv/site/index.html', '/etc/ssh/sshd_config.d/x'), layer('host/web07', '/etc/app/.wh..wh..opq'));
    const byPath = Object.fromEntries(tree.nodes.map((node) => [node.path, `${node.metadataFrom} ${node.mode.toString(8)} ${node.uid} owned=${node.owned}`]));
    expect(byPath).toEqual({
      '/etc': 'image 755 0 owned=false',
      '/etc/app': 'image 750 33 owned=true',
      '/etc/ssh': 'image 755 0 owned=false',
      '/etc/ssh/sshd_config.d': 'layer 755 0 owned=true',
      '/etc/ssh/sshd_config.d/x': 'layer 644 0 owned=true',
      '/srv': 'layer 755 0 owned=true',
      '/srv/site': 'layer 755 0 owned=true',
      '/srv/site/index.html': 'layer 644 0 owned=true',
    });
  });
});

describe('filter rules of the two passes', () => {
  test('the image pass leaves the topmost owned paths alone and hides whiteouts; the overrides pass deletes only below owned paths', () => {
    const tree = treeOf(
      layer('all', '/etc/motd', '/etc/app/a.conf', '/srv/site/index.html', '/lib/extra/x', '/etc/ssh/sshd_config.d/10.conf'),
      layer('group/web', '/etc/app/.wh..wh..opq', '/etc/app/web.conf', '/etc/.wh.gone', '/srv/site/.wh.old', '/etc/ssh/.wh.moduli'),
    );
    expect(planSyncFilters(tree, ['/etc/fstab', '/boot/efi/'])).toEqual({
      image: ['- /etc/app', '- /etc/motd', '- /etc/ssh/sshd_config.d', '- /lib', '- /srv', 'H /etc/gone', 'H /etc/ssh/moduli'],
      overrides: [
        'P /etc/fstab',
        'P /etc/fstab/**',
        'P /boot/efi/',
        'P /boot/efi/**',
        'R /etc/app/**',
        'R /etc/motd/**',
        'R /etc/ssh/sshd_config.d/**',
        'R /lib/**',
        'R /srv/**',
        'P *',
      ],
    });
    expect(tree.warnings).toEqual(['/lib: the image has a symlink there; the directory from all replaces it (put the files under the symlink\'s target instead?)']);
  });

  test('names with rsync wildcards are escaped; plain names (backslashes included) are left as they are', () => {
    expect(exactPattern('/etc/a b')).toBe('/etc/a b');
    expect(exactPattern('/etc/a\\b')).toBe('/etc/a\\b');
    expect(exactPattern('/etc/[x]*?')).toBe('/etc/\\[x]\\*\\?');
    expect(exactPattern('/etc/a\\b*')).toBe('/etc/a\\\\b\\*');
    expect(belowPattern('/etc/a\\b')).toBe('/etc/a\\\\b/**');
  });

  test('no layers: no image rules, and the overrides pass deletes nothing', () => {
    expect(planSyncFilters(treeOf(), [])).toEqual({ image: [], overrides: ['P *'] });
  });
});

describe('digests', () => {
  test('a layer digest covers path, kind, mode, owner, link target and content, not times', () => {
    const base = layer('all', '/etc/motd=hello', '/etc/link -> /etc/motd');
    const digest = (listing: LayerListing) => layerDigests([listing])[0]?.digest;
    const changed = (edit: (listing: LayerListing) => void): string | undefined => {
      const copy = structuredClone(base);
      edit(copy);
      return digest(copy);
    };
    const at = (listing: LayerListing, path: string) => listing.entries.find((entry) => entry.path === path)!;
    expect(digest(base)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(changed((l) => (at(l, '/etc/motd').mtimeNs = 5n))).toBe(digest(base));
    for (const edit of [
      (l: LayerListing) => (at(l, '/etc/motd').mode = 0o600),
      (l: LayerListing) => (at(l, '/etc/motd').uid = 1000),
      (l: LayerListing) => (at(l, '/etc/motd').sha256 = 'f'.repeat(64)),
      (l: LayerListing) => (at(l, '/etc/link').target = '/etc/issue'),
      (l: LayerListing) => (at(l, '/etc/motd').path = '/etc/motd2'),
    ]) expect(changed(edit)).not.toBe(digest(base));
    expect(layerDigests([base, layer('host/web07', '/x')]).map((entry) => entry.layer)).toEqual(['all', 'host/web07']);
  });

  test('the tree digest follows rendered content', () => {
    const withVar = (value: string) => {
      const layers = [layer('all', '/etc/motd.hbs={{vars.x}}')];
      const rendered = renderTemplates(mergeLayers(layers).tree, layers, { ...context, vars: { x: value } });
      return hostTreeDigest(buildHostTree(rendered.tree, image));
    };
    expect(withVar('a')).toBe(withVar('a'));
    expect(withVar('a')).not.toBe(withVar('b'));
  });
});

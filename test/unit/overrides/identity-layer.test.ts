import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { FileOp } from '../../../src/identity/identity-input.js';
import { loadHostOverrides, type HostOverridesRequest } from '../../../src/overrides/host-overrides.js';
import { identityLayerOps, writeGeneratedLayer, writeIdentityLayer } from '../../../src/overrides/identity-layer.js';
import { layerLabel } from '../../../src/overrides/layer-id.js';
import { groupIdentityProblems, problemsOfDetails } from '../../../src/fleet-check/identity-check.js';
import type { ResolvedHost } from '../../../src/inventory/resolve.js';
import { hostInput, staticNic } from '../../golden/identity-fixtures.js';
import { networkdRoot, writeTree } from '../identity/image-roots.js';

const ops: FileOp[] = [
  { op: 'write', path: 'etc/hostname', content: 'web07\n', mode: 0o644, why: 'name' },
  { op: 'write', path: 'etc/systemd/network/10-rootcast-lan0.network', content: '[Match]\n', mode: 0o640, why: 'card' },
  { op: 'symlink', path: 'etc/resolv.conf', target: '../run/systemd/resolve/stub-resolv.conf', why: 'resolved' },
  { op: 'remove', path: 'etc/systemd/network/20-wired.network', why: 'stale' },
];

describe('the identity layer', () => {
  let work: string;
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'rootcast-identity-layer-'));
  });
  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  test('ops become an ordinary layer: root-owned files with their modes and one fixed time, symlinks, .wh. whiteouts', async () => {
    const dir = join(work, 'layer');
    await writeGeneratedLayer(dir, ops);
    const hostname = await lstat(join(dir, 'etc/hostname'));
    expect([hostname.uid, hostname.gid, hostname.mode & 0o7777]).toEqual([0, 0, 0o644]);
    expect(hostname.mtime.toISOString()).toBe('2000-01-01T00:00:00.000Z');
    expect((await lstat(join(dir, 'etc/systemd/network/10-rootcast-lan0.network'))).mode & 0o7777).toBe(0o640);
    expect(await readlink(join(dir, 'etc/resolv.conf'))).toBe('../run/systemd/resolve/stub-resolv.conf');
    expect((await lstat(join(dir, 'etc/systemd/network/.wh.20-wired.network'))).size).toBe(0);
    // Directories too carry the fixed time (creating their children moved it).
    expect((await lstat(join(dir, 'etc/systemd'))).mtime.toISOString()).toBe('2000-01-01T00:00:00.000Z');
    await expect(writeGeneratedLayer(dir, ops)).rejects.toThrow(/EEXIST/);
  });

  test('the machine id is left to the runner: an update never gives a host a new one', () => {
    const withIds: FileOp[] = [...ops, { op: 'write', path: 'etc/machine-id', content: 'x\n', mode: 0o444, why: 'id' }, { op: 'symlink', path: 'var/lib/dbus/machine-id', target: '/etc/machine-id', why: 'id' }];
    expect(identityLayerOps(withIds)).toEqual(ops);
  });

  test('equal identities share one directory; a changed one replaces it; other writers\' staging is left alone', async () => {
    const first = await writeIdentityLayer(work, 'web07', ops);
    const inode = (await lstat(first)).ino;
    expect(await writeIdentityLayer(work, 'web07', ops)).toBe(first);
    expect((await lstat(first)).ino).toBe(inode);
    await mkdir(join(work, 'web07', '.abc.1234'));
    const changed = await writeIdentityLayer(work, 'web07', ops.slice(1));
    expect(changed).not.toBe(first);
    expect((await readdir(join(work, 'web07'))).sort()).toEqual(['.abc.1234', changed.split('/').at(-1)].sort());
    expect((await lstat(join(work, 'web07'))).mode & 0o777).toBe(0o700);
  });

  test('over a networkd image the host tree gets its network file, stale configs whited out, and its own layer still wins', async () => {
    const imageRoot = join(work, 'image');
    writeTree(imageRoot, networkdRoot);
    const overridesDir = join(work, 'overrides');
    await mkdir(join(overridesDir, 'host/web07/etc'), { recursive: true });
    await writeFile(join(overridesDir, 'host/web07/etc/hosts'), '127.0.0.1 localhost\n');
    const request: HostOverridesRequest = {
      overridesDir,
      subject: { name: 'web07', imageName: 'web', groups: [] },
      known: { hosts: ['web07'], groups: [] },
      context: { host: { name: 'web07', fqdn: 'web07.lab.example', macs: [] }, image: { name: 'web', ref: 'web@1' }, groups: [], vars: {}, server: {} },
      imageRoot,
      identity: { input: hostInput([staticNic]), dir: join(work, 'identity') },
    };
    const overrides = await loadHostOverrides(request);
    expect(overrides.layers.map((listing) => layerLabel(listing.id))).toEqual(['identity/web07', 'host/web07']);
    const byPath = new Map(overrides.tree.nodes.map((node) => [node.path, node]));
    const network = [...byPath.keys()].find((path) => path.startsWith('/etc/systemd/network/') && path.endsWith('.network'));
    expect(network).toBeDefined();
    expect(byPath.get(network ?? '')?.layer.kind).toBe('identity');
    expect(byPath.get('/etc/hostname')?.layer.kind).toBe('identity');
    expect(byPath.get('/etc/hosts')?.layer.kind).toBe('host');
    expect(overrides.merged.deletedFromImage).toContain('/etc/systemd/network/20-wired.network');
    expect(overrides.tree.warnings).toEqual([
      "/etc/hosts: host/web07 replaces the file rootcast generates for the host's identity (remove it from the layer to get the generated one)",
    ]);
    const generated = await readFile(join(work, 'identity', 'web07', (await readdir(join(work, 'identity', 'web07')))[0] ?? '', 'etc/hostname'), 'utf8');
    expect(generated).toBe('web07\n');
  });

  test('a plan serve cannot make refuses before anything is written', async () => {
    const imageRoot = join(work, 'image');
    await mkdir(imageRoot);
    const request: HostOverridesRequest = {
      overridesDir: join(work, 'overrides'),
      subject: { name: 'web07', imageName: 'web', groups: [] },
      known: { hosts: ['web07'], groups: [] },
      context: { host: { name: 'web07', fqdn: 'web07', macs: [] }, image: { name: 'web', ref: 'web@1' }, groups: [], vars: {}, server: {} },
      imageRoot,
      identity: { input: hostInput([staticNic]), dir: join(work, 'identity') },
    };
    await expect(loadHostOverrides(request)).rejects.toThrow('host web07: identity cannot be planned');
    await expect(lstat(join(work, 'identity'))).rejects.toThrow(/ENOENT/);
  });
});

describe('identity problems in inventory check', () => {
  test('evidence lines belong to the problem above them', () => {
    expect(problemsOfDetails(['network: none in use', '  netplan: not installed', '  ifupdown: not in use', 'hostname: bad'])).toEqual([
      'network: none in use; netplan: not installed; ifupdown: not in use',
      'hostname: bad',
    ]);
  });

  test('a range key reports a problem once, naming its hosts only when some of them have it', () => {
    const host = (name: string, key: string): ResolvedHost => ({ name, source: { key, fromRange: key.includes('[') } }) as ResolvedHost;
    const issues = groupIdentityProblems([
      { host: host('web01', 'web[01-04]'), problems: ['needs a gateway', 'needs a card'] },
      { host: host('web02', 'web[01-04]'), problems: ['needs a gateway'] },
      { host: host('web03', 'web[01-04]'), problems: ['needs a gateway'] },
      { host: host('web04', 'web[01-04]'), problems: ['needs a gateway'] },
      { host: host('db01', 'db01'), problems: [] },
    ]);
    expect(issues).toEqual([
      { severity: 'error', path: ['hosts', 'web[01-04]'], message: 'identity: needs a gateway' },
      { severity: 'error', path: ['hosts', 'web[01-04]'], message: 'identity: needs a card (web01)' },
    ]);
  });
});

import { firstBootOwnedPaths } from '../../src/runner/plan-first-boot.js';
import { identityKeptPaths } from '../../src/runner/plan-identity.js';
import { execFile, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { resolveHomePaths, type HomePaths } from '../../src/home/paths.js';
import { imageLayout } from '../../src/image/layout.js';
import type { ImageManifest } from '../../src/image/manifest.js';
import { applyPublish, planPublish } from '../../src/payload/publish.js';
import type { ServeFleet } from '../../src/server/serve-fleet.js';
import { execProcess } from '../../src/sys/exec.js';
import { ensureDebootstrapRoot, imageRootRecipe, torrentInstalledRootRecipe } from '../helpers/debootstrap-cache.js';
import { minimalManifest } from '../helpers/image-builder.js';
import { createTestNetwork, type TestNetwork } from '../helpers/netns.js';
import { diffTrees } from '../helpers/runner-harness.js';
import { storedPhaseEvents } from '../helpers/stored-events.js';
import { eventually, startNamespacedServe, type NamespacedServe } from '../helpers/swarm.js';

const run = promisify(execFile);
const slow = process.env['ROOTCAST_SLOW'] === '1';
const hosts = ['web01', 'web02', 'web03', 'web04'] as const;
const keepPaths = ['/etc/fstab', '/etc/crypttab', '/boot/efi/'];
// Besides the kept paths, the runner's log, its credential, its own /run/rootcast, the installer's machine id
// and host keys (kept) and the first-boot unit it installs are not the image's.
const notFromImage = [...keepPaths, '/var/log/rootcast/', '/etc/rootcast/', '/run/rootcast/', ...identityKeptPaths, ...firstBootOwnedPaths];
const bundle = join(import.meta.dirname, '../../dist/runner.cjs');

interface RunnerRun {
  process: ChildProcess;
  stderr(): string;
  done: Promise<number | null>;
}

/**
 * The real runner bundle in four network namespaces installing one image from serve in a fifth, with
 * install.transport torrent: aria2c in each runner's toolbox, the tracker and web seed in serve, the server's
 * link shaped to 100 Mbit/s. One runner is killed midway; a re-run after a digest mismatch falls back to rsync.
 */
describe.skipIf(!slow)('BitTorrent installs with the real runner (slow tier)', () => {
  let work: string;
  let paths: HomePaths;
  let net: TestNetwork;
  let serve: NamespacedServe | undefined;
  let imageRoot: string;
  let payloadBytes = 0;
  let serverIp: string;
  const tokens = new Map<string, string>();
  const nsOf = (host: string): string => net.namespaces[hosts.indexOf(host as (typeof hosts)[number]) + 1] ?? '';
  const targetOf = (host: string): string => join(work, 'targets', host);

  /** What installer's %post does: the runner bundle under node, the target bind-mounted onto itself (a mount point). */
  const startRunner = (host: string): RunnerRun => {
    const child = net.spawn(nsOf(host), 'unshare', [
      '-m', '--propagation', 'private', '--', 'sh', '-c', 'set -e; mount --bind "$1" "$1"; shift; exec "$@"', 'sh', targetOf(host),
      process.execPath, bundle, '--target', targetOf(host), '--server', `http://${serverIp}:8780`, '--host', host, '--work-dir', join(work, 'run', host), '--progress-interval', '1',
      // A directory target has no disk to install a boot loader on.
      '--no-bootloader',
    ], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ROOTCAST_TOKEN: tokens.get(host) ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.resume();
    return { process: child, stderr: () => stderr, done: once(child, 'exit').then(([code]) => code as number | null) };
  };
  const syncMessage = (stderr: string): string => /sync-image succeeded .*?(torrent:.*|rsync .*)$/m.exec(stderr)?.[1] ?? '';

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'rootcast-fanout-'));
    paths = resolveHomePaths({ home: join(work, 'home') });
    const [installed, image] = await Promise.all([ensureDebootstrapRoot(torrentInstalledRootRecipe), ensureDebootstrapRoot(imageRootRecipe)]);
    const layout = imageLayout(paths);
    await mkdir(layout.versionDir('web', 1), { recursive: true });
    await run('cp', ['-al', image, layout.versionRoot('web', 1)]);
    imageRoot = layout.versionRoot('web', 1);
    const imageBytes = Number((await run('du', ['-sb', imageRoot])).stdout.split('\t')[0]);
    await writeFile(layout.manifestFile('web', 1), JSON.stringify(minimalManifest('web', 1, { sizeBytes: imageBytes })));
    const published = await applyPublish(paths, await planPublish(paths, 'web@1'), { exec: execProcess });
    payloadBytes = published.kind === 'planned' ? 0 : published.record.bytes;
    for (const host of hosts) {
      await mkdir(join(work, 'targets'), { recursive: true });
      await run('cp', ['-a', installed, targetOf(host)]);
      await writeFile(join(targetOf(host), 'etc', 'fstab'), `# ${host}'s own fstab\n`);
    }
    net = await createTestNetwork(hosts.length + 1);
    serverIp = net.addresses[0] ?? '';
    const fleet: ServeFleet = {
      hosts: hosts.map((name, index) => ({ name, macs: [], ip: net.addresses[index + 1] ?? '', imageRef: 'web', keepPaths, transport: { mode: 'torrent', autoMinHosts: 20, seedSeconds: 10 } })),
    };
    await writeFile(join(work, 'fleet.json'), JSON.stringify(fleet));
    serve = await startNamespacedServe(net, net.namespaces[0] ?? '', paths.home, join(work, 'fleet.json'), ['--http', `${serverIp}:8780`, '--rsync', `${serverIp}:8873`]);
    await net.shape(net.namespaces[0] ?? '', 100);
    for (const host of hosts) {
      const answer = await net.run(nsOf(host), 'curl', ['-sS', `http://${serverIp}:8780/ks/${host}`]);
      tokens.set(host, /# token (\S+)/.exec(answer.stdout)?.[1] ?? '');
    }
  });

  afterAll(async () => {
    await serve?.stop();
    await net?.destroy();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  test('four runners swarm; one killed midway; the others end with exact trees after a metadata-only rsync finish', async () => {
    const runs = new Map(hosts.map((host) => [host, startRunner(host)]));
    const victim = runs.get('web04');
    // Killed once its torrent download is under way.
    await eventually(async () => (/sync-image progress .*torrent: /.test(victim?.stderr() ?? '') ? true : undefined), 'web04 to report torrent progress', 1200);
    victim?.process.kill('SIGKILL');
    for (const host of hosts.slice(0, 3)) {
      const current = runs.get(host);
      expect(await current?.done, `${host}: ${current?.stderr()}`).toBe(0);
      const message = syncMessage(current?.stderr() ?? '');
      expect(message, host).toMatch(/^torrent: web@1\.tar\.zst \([\d.]+ MiB\) in [\d.]+ s, [\d.]+ \S+ from the server's web seed and [\d.]+ \S+ from peers; sha256 ok; unpacked in [\d.]+ s.*; seeded [\d.]+ \S+ to peers; rsync finish: \d+ of \d+ files transferred/);
      // The payload was right: the finish moves metadata (and what tar cannot hold, such as sockets), not the image.
      const moved = Number(/files transferred \(([\d.]+) (B|KiB)\b/.exec(message)?.[1] ?? 'NaN');
      expect(moved, message).toBeLessThan(1024);
      expect(await diffTrees(imageRoot, targetOf(host), notFromImage), host).toEqual([]);
      expect(await readFile(join(targetOf(host), 'etc', 'fstab'), 'utf8')).toBe(`# ${host}'s own fstab\n`);
      // The same facts as fields of the stored event: the web seed's share plus the finish from the server, the rest from peers.
      const synced = (await storedPhaseEvents(paths, host)).find((event) => event.phase === 'sync-image' && event.status === 'succeeded');
      expect(synced?.transfer?.transport, host).toBe('torrent');
      expect((synced?.transfer?.serverBytes ?? 0) + (synced?.transfer?.peerBytes ?? 0), host).toBeGreaterThanOrEqual(payloadBytes);
    }
    expect(await victim?.done).toBeNull();
    for (const host of hosts) expect(serve?.output(), host).toMatch(new RegExp(`tracker: ${host} \\(\\S+\\) started web@1`));
  });

  test('a payload whose digest does not match is refused: the re-run of the killed host installs by rsync and says why', async () => {
    const file = imageLayout(paths).manifestFile('web', 1);
    const manifest = JSON.parse(await readFile(file, 'utf8')) as ImageManifest;
    await writeFile(file, JSON.stringify({ ...manifest, payload: { ...manifest.payload, sha256: '0'.repeat(64) } }));
    const again = startRunner('web04');
    expect(await again.done, again.stderr()).toBe(0);
    expect(again.stderr()).toMatch(/sync-image progress .*torrent transport not used: the payload's SHA-256 is [0-9a-f]{64}, not 0{64} as the server says; it was not unpacked; the rsync pass moves the whole image/);
    expect(syncMessage(again.stderr())).toMatch(/^rsync after the torrent failed/);
    expect(await diffTrees(imageRoot, targetOf('web04'), notFromImage)).toEqual([]);
  });
});

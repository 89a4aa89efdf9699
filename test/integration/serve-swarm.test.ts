import { createHash, randomBytes } from 'node:crypto';
import { copyFile, link, mkdir, mkdtemp, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { resolveHomePaths, type HomePaths } from '../../src/home/paths.js';
import type { ImageManifest } from '../../src/image/manifest.js';
import type { DeployInstructions } from '../../src/protocol/deploy-protocol.js';
import type { UpdateInstructions } from '../../src/protocol/update-protocol.js';
import type { ServeFleet } from '../../src/server/serve-fleet.js';
import { minimalManifest } from '../helpers/image-builder.js';
import { createTestNetwork, type CommandOutcome, type TestNetwork } from '../helpers/netns.js';
import { eventually, startAria2, startNamespacedServe, type NamespacedServe } from '../helpers/swarm.js';

const clients = ['web01', 'web02', 'web03', 'web04', 'web05', 'web06', 'web07'] as const;
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/**
 * serve's swarm infrastructure with real aria2c clients, each in its own network namespace, the server's link
 * shaped to 40 Mbit/s so the clients have to trade pieces: the payload built on first use, the per-host torrent,
 * the web seed with Range, the tracker, a client killed midway, the tracker unreachable, a corrupt web seed.
 * The web seed is paced (--web-seed-resend-rate): every download here goes through the paced path and must
 * still be exact (how much pacing saves is bench:fanout's to measure, not a test's).
 */
describe('the BitTorrent swarm of serve (network namespaces, real aria2c)', () => {
  let work: string;
  let paths: HomePaths;
  let net: TestNetwork;
  let serve: NamespacedServe | undefined;
  let serverNs: string;
  let serverIp: string;
  let tracker: { address: string; down(): Promise<void>; up(): Promise<void> };
  const tokens = new Map<string, string>();
  const nsOf = (host: string): string => net.namespaces[clients.indexOf(host as (typeof clients)[number]) + 1] ?? '';
  const curl = (namespace: string, path: string, args: string[] = []): Promise<CommandOutcome> =>
    net.run(namespace, 'curl', ['-sS', '-w', '\n%{http_code}', ...args, `http://${serverIp}:8780${path}`]);
  const status = (outcome: CommandOutcome): number => Number(outcome.stdout.slice(outcome.stdout.lastIndexOf('\n') + 1));
  const body = (outcome: CommandOutcome): string => outcome.stdout.slice(0, outcome.stdout.lastIndexOf('\n'));
  const bearer = (host: string): string[] => ['-H', `Authorization: Bearer ${tokens.get(host) ?? ''}`];
  const payloadFile = (): string => join(paths.imagesDir, 'web', '1', 'payload', 'web@1.tar.zst');
  const manifest = async (): Promise<ImageManifest> => JSON.parse(await readFile(join(paths.imagesDir, 'web', '1', 'manifest.json'), 'utf8')) as ImageManifest;
  /** The host's torrent, fetched the way the runner does, saved for aria2c. */
  const fetchTorrent = async (host: string): Promise<string> => {
    const file = join(work, `${host}.torrent`);
    const fetched = await curl(nsOf(host), '/api/v1/hosts/' + host + '/payload/web@1.torrent', [...bearer(host), '-o', file]);
    expect(status(fetched), fetched.stderr).toBe(200);
    return file;
  };

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'rootcast-swarm-'));
    paths = resolveHomePaths({ home: join(work, 'home') });
    // 16 MiB of random data (nothing for zstd to squeeze) plus a hard link and a symlink.
    const root = join(paths.imagesDir, 'web', '1', 'root');
    await mkdir(join(root, 'srv'), { recursive: true });
    for (let index = 0; index < 4; index += 1) await writeFile(join(root, 'srv', `blob${index}`), randomBytes(4 * 1024 * 1024));
    await link(join(root, 'srv', 'blob0'), join(root, 'srv', 'blob0.link'));
    await symlink('blob1', join(root, 'srv', 'latest'));
    await writeFile(join(paths.imagesDir, 'web', '1', 'manifest.json'), JSON.stringify(minimalManifest('web', 1, { sizeBytes: 16 * 1024 * 1024 })));
    net = await createTestNetwork(clients.length + 2);
    serverNs = net.namespaces[0] ?? '';
    serverIp = net.addresses[0] ?? '';
    const torrentHost = (name: string): ServeFleet['hosts'][number] => ({ name, macs: [], ip: net.addresses[clients.indexOf(name as (typeof clients)[number]) + 1] ?? '', imageRef: 'web', transport: { mode: 'torrent', autoMinHosts: 20, seedSeconds: 30 } });
    const fleet: ServeFleet = { hosts: [...clients.map(torrentHost), { name: 'db01', macs: [], ip: net.addresses[clients.length + 1] ?? '', imageRef: 'db' }] };
    await writeFile(join(work, 'fleet.json'), JSON.stringify(fleet));
    // The tracker on an address of its own, so it can go down while the web seed stays up.
    tracker = await net.extraAddress(serverNs, 200);
    serve = await startNamespacedServe(net, serverNs, paths.home, join(work, 'fleet.json'), ['--http', `${serverIp}:8780`, '--rsync', `${serverIp}:8873`, '--tracker', `${tracker.address}:8781`, '--web-seed-resend-rate', '20']);
    await net.shape(serverNs, 40);
    for (const host of [...clients, 'db01']) {
      const answer = await curl(host === 'db01' ? (net.namespaces[clients.length + 1] ?? '') : nsOf(host), `/ks/${host}`);
      tokens.set(host, /# token (\S+)/.exec(body(answer))?.[1] ?? '');
    }
  });

  afterAll(async () => {
    await serve?.stop();
    await net?.destroy();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  test('the first torrent install of a version builds its payload (503 meanwhile); then the instructions carry it', async () => {
    const first = await curl(nsOf('web01'), '/api/v1/hosts/web01/deploy', [...bearer('web01'), '-D', '-']);
    expect(status(first)).toBe(503);
    expect(first.stdout.toLowerCase()).toContain('retry-after: 10');
    expect(body(first)).toContain('the payload of web@1 is being built for torrent installs');
    const instructions = await eventually(async () => {
      const again = await curl(nsOf('web01'), '/api/v1/hosts/web01/deploy', bearer('web01'));
      return status(again) === 200 ? (JSON.parse(body(again)) as DeployInstructions) : undefined;
    }, 'the payload to be built');
    const record = (await manifest()).payload;
    expect(record?.sha256).toBe(sha256(await readFile(payloadFile())));
    expect(instructions.transport).toEqual({
      setting: 'torrent',
      reason: 'install.transport is torrent',
      payload: { torrentPath: '/api/v1/hosts/web01/payload/web@1.torrent', file: 'web@1.tar.zst', bytes: record?.bytes, sha256: record?.sha256, infoHash: record?.infoHash, imageBytes: 16 * 1024 * 1024, seedSeconds: 30, trackerOrigin: `http://${tracker.address}:8781` },
    });
    expect(serve?.output()).toMatch(/payload: web@1 published in/);
  });

  test('the torrent is per host and secret-free; aria2c reads the same info hash; other images and missing tokens are refused', async () => {
    const torrent = await fetchTorrent('web01');
    const text = (await readFile(torrent)).toString('latin1');
    expect(text).toContain(`http://${serverIp}:8781/api/v1/hosts/web01/announce`.replace(serverIp, tracker.address));
    expect(text).toContain(`http://${serverIp}:8780/api/v1/hosts/web01/payload/web@1.tar.zst`);
    expect(text).not.toContain(tokens.get('web01'));
    const shown = await net.run(nsOf('web01'), 'aria2c', ['--show-files', torrent]);
    expect(shown.stdout).toContain(`Info Hash: ${(await manifest()).payload?.infoHash}`);
    expect(status(await curl(nsOf('web01'), '/api/v1/hosts/web01/payload/web@1.torrent'))).toBe(401);
    const otherImage = await curl(nsOf('web01'), '/api/v1/hosts/db01/payload/web@1.tar.zst', bearer('db01'));
    expect([status(otherImage), body(otherImage)]).toEqual([403, 'host db01 installs image db, not web\n']);
    const otherHost = await curl(nsOf('web01'), '/api/v1/hosts/web02/payload/web@1.torrent', bearer('web01'));
    expect(status(otherHost)).toBe(403);
    expect(status(await curl(nsOf('web01'), '/api/v1/hosts/web01/payload/web@9.torrent', bearer('web01')))).toBe(404);
  });

  test('the web seed answers byte ranges exactly, and refuses one past the end', async () => {
    const whole = await readFile(payloadFile());
    const part = join(work, 'range.bin');
    const ranged = await curl(nsOf('web02'), '/api/v1/hosts/web02/payload/web@1.tar.zst', [...bearer('web02'), '-r', '1000-1999', '-o', part]);
    expect(status(ranged)).toBe(206);
    expect(sha256(await readFile(part))).toBe(sha256(whole.subarray(1000, 2000)));
    const past = await curl(nsOf('web02'), '/api/v1/hosts/web02/payload/web@1.tar.zst', [...bearer('web02'), '-r', `${whole.length}-`]);
    expect(status(past)).toBe(416);
  });

  test('five clients through the shaped server link: exact copies, fewer copies from the server than clients, the tracker sees them; one killed midway does not stop the rest', async () => {
    const payloadBytes = (await stat(payloadFile())).size;
    const hosts = ['web01', 'web02', 'web03', 'web04', 'web05'];
    const before = await net.txBytes(serverNs);
    const started = await Promise.all(hosts.map(async (host) => ({ host, client: startAria2(net, nsOf(host), { torrent: await fetchTorrent(host), dir: join(work, 'dl', host), token: tokens.get(host) ?? '', seedSeconds: 5 }) })));
    const victim = started[4];
    const partial = join(work, 'dl', 'web05', 'web@1.tar.zst');
    // Killed once it holds part of the payload and before it has all of it.
    await eventually(async () => ((await stat(partial).catch(() => undefined))?.size ?? 0) > 0 || undefined, 'web05 to start downloading', 600, 20);
    victim?.client.process.kill('SIGKILL');
    const results = await Promise.all(started.slice(0, 4).map(async ({ host, client }) => ({ host, ...(await client.done) })));
    for (const result of results) expect(result.exitCode, `${result.host}: ${result.output}`).toBe(0);
    for (const host of hosts.slice(0, 4)) expect(sha256(await readFile(join(work, 'dl', host, 'web@1.tar.zst'))), host).toBe((await manifest()).payload?.sha256);
    expect((await victim?.client.done)?.exitCode).toBeNull();
    await expect(stat(`${partial}.aria2`)).resolves.toBeDefined();
    const copies = ((await net.txBytes(serverNs)) - before) / payloadBytes;
    expect(copies).toBeLessThan(3.5);
    const healthz = body(await curl(nsOf('web01'), '/healthz'));
    const health = JSON.parse(healthz) as { swarms: { payload: string | null; downloaded: number }[] };
    expect(health.swarms).toEqual([{ payload: 'web@1', complete: expect.any(Number), incomplete: expect.any(Number), downloaded: 4 }]);
    // Unauthenticated: no info hash (with it, anyone could handshake with an installing host and take the payload).
    expect(healthz).not.toContain((await manifest()).payload?.infoHash ?? 'no info hash');
    for (const host of hosts) expect(serve?.output(), host).toContain(`tracker: ${host} (${net.addresses[clients.indexOf(host as (typeof clients)[number]) + 1]}) started web@1`);
  });

  test('with the tracker unreachable, a client gets the whole payload from the web seed alone', async () => {
    await tracker.down();
    try {
      const client = startAria2(net, nsOf('web06'), { torrent: await fetchTorrent('web06'), dir: join(work, 'dl', 'web06'), token: tokens.get('web06') ?? '', seedSeconds: 0 });
      const result = await client.done;
      expect(result.exitCode, result.output).toBe(0);
    } finally {
      await tracker.up();
    }
    expect(sha256(await readFile(join(work, 'dl', 'web06', 'web@1.tar.zst')))).toBe((await manifest()).payload?.sha256);
    expect(serve?.output()).not.toContain('tracker: web06');
  });

  test('the tracker stopped midway: every client already downloading completes from the web seed, with the right digest', async () => {
    const hosts = ['web02', 'web03', 'web04'];
    const dir = (host: string): string => join(work, 'dl-midway', host);
    const started = await Promise.all(hosts.map(async (host) => ({ host, client: startAria2(net, nsOf(host), { torrent: await fetchTorrent(host), dir: dir(host), token: tokens.get(host) ?? '', seedSeconds: 0, extra: ['--bt-tracker-connect-timeout=5', '--bt-tracker-timeout=5'] }) })));
    let stillDownloading: string[] = [];
    try {
      // Down once every client holds part of the payload.
      await eventually(async () => {
        const sizes = await Promise.all(hosts.map(async (host) => (await stat(join(dir(host), 'web@1.tar.zst')).catch(() => undefined))?.size ?? 0));
        return sizes.every((size) => size > 0) || undefined;
      }, 'every client to start downloading', 600, 20);
      await tracker.down();
      // aria2c keeps its control file until the download is complete: these were cut off midway.
      stillDownloading = (await Promise.all(hosts.map(async (host) => ((await stat(join(dir(host), 'web@1.tar.zst.aria2')).catch(() => undefined)) === undefined ? [] : [host])))).flat();
      const results = await Promise.all(started.map(async ({ host, client }) => ({ host, ...(await client.done) })));
      for (const result of results) expect(result.exitCode, `${result.host}: ${result.output}`).toBe(0);
    } finally {
      for (const { client } of started) client.process.kill('SIGTERM');
      await tracker.up();
    }
    expect(stillDownloading.length).toBeGreaterThan(0);
    for (const host of hosts) expect(sha256(await readFile(join(dir(host), 'web@1.tar.zst'))), host).toBe((await manifest()).payload?.sha256);
  });

  test('update instructions never carry a torrent transport: a host set to torrent updates by rsync', async () => {
    const deploy = JSON.parse(body(await curl(nsOf('web03'), '/api/v1/hosts/web03/deploy', bearer('web03')))) as DeployInstructions;
    expect(deploy.transport?.payload?.file).toBe('web@1.tar.zst');
    const enrolled = await curl(nsOf('web03'), '/api/v1/hosts/web03/credential', ['-X', 'POST', ...bearer('web03')]);
    expect(status(enrolled), body(enrolled)).toBe(200);
    const { credential } = JSON.parse(body(enrolled)) as { credential: string };
    const update = await curl(nsOf('web03'), '/api/v1/hosts/web03/update?dry=1', ['-H', `Authorization: Bearer ${credential}`]);
    expect(status(update), body(update)).toBe(200);
    const instructions = JSON.parse(body(update)) as UpdateInstructions;
    expect(instructions.ref).toBe('web@1');
    expect(instructions).not.toHaveProperty('transport');
    expect(body(update)).not.toContain('.torrent');
  });

  test('a web seed serving corrupt bytes: aria2 rejects those pieces and completes from a peer that has them', async () => {
    const good = join(work, 'good.tar.zst');
    await copyFile(payloadFile(), good);
    // web01 seeds the genuine payload it already has (checked against the torrent, no download).
    const seeder = startAria2(net, nsOf('web01'), { torrent: await fetchTorrent('web01'), dir: join(work, 'dl', 'web01'), token: tokens.get('web01') ?? '', seedSeconds: 120, extra: ['--check-integrity=true', '--bt-tracker-interval=1'] });
    try {
      await eventually(async () => (serve?.output().match(/tracker: web01 \S+ started web@1/g)?.length ?? 0) >= 2 || undefined, 'the seeder to announce');
      const corrupt = Buffer.from(await readFile(good));
      for (let offset = 0; offset < corrupt.length; offset += 4096) corrupt[offset] = (corrupt[offset] ?? 0) ^ 0xff;
      await writeFile(join(work, 'corrupt.tar.zst'), corrupt);
      await rename(join(work, 'corrupt.tar.zst'), payloadFile());
      const client = startAria2(net, nsOf('web07'), { torrent: await fetchTorrent('web07'), dir: join(work, 'dl', 'web07'), token: tokens.get('web07') ?? '', seedSeconds: 0, extra: ['--log=-', '--log-level=notice'] });
      const result = await client.done;
      expect(result.exitCode, result.output).toBe(0);
      // Its pieces from the web seed failed their SHA-1 check; the peer's copies passed.
      expect(result.output).toContain('Invalid checksum');
      expect(sha256(await readFile(join(work, 'dl', 'web07', 'web@1.tar.zst')))).toBe((await manifest()).payload?.sha256);
    } finally {
      seeder.process.kill('SIGTERM');
      await seeder.done;
      await rename(good, payloadFile());
    }
  });

  test('the tracker answers only for the host\'s own image, and only with its token', async () => {
    const hash = '%ab'.repeat(20);
    const announce = (host: string, token: string) =>
      net.run(nsOf('web01'), 'curl', ['-sS', '-H', `Authorization: Bearer ${token}`, `http://${tracker.address}:8781/api/v1/hosts/${host}/announce?info_hash=${hash}&peer_id=${'%01'.repeat(20)}&port=6881&left=0`]);
    expect((await announce('web01', tokens.get('web01') ?? '')).stdout).toBe('d14:failure reason50:this tracker serves only the payloads of image webe');
    expect((await announce('web01', tokens.get('web02') ?? '')).stdout).toContain("that is not host web01's install token or host credential");
    const onHttpPort = await curl(nsOf('web01'), '/api/v1/hosts/web01/deploy', bearer('web01'));
    expect(status(onHttpPort)).toBe(200);
    const deployOnTrackerPort = await net.run(nsOf('web01'), 'curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', `http://${tracker.address}:8781/healthz`]);
    expect(deployOnTrackerPort.stdout).toBe('404');
  });
});

/**
 * bench/fanout: N = 1, 8, 16, 32 clients, each in its own network namespace, pulling one ≥ 500 MB root from
 * `rootcast serve` in another, every link shaped to 200 Mbit/s (the server's too: a 1:5 model of a 1 Gbit
 * server): the rsync daemon (`rsync -aHAXS`, what an install with install.transport rsync moves) against
 * BitTorrent (real aria2c clients, serve's tracker and web seed; what install.transport torrent moves). Prints
 * last-client time and the bytes the server's card sent (as copies of what one client needs) and writes an SVG
 * plot. Transport only: the torrent's unpack is measured apart, for one client. Asserts nothing.
 *
 *   npm run bench:fanout                       # N = 1, 8, 16, 32 for both (~45 min: rsync at N = 32 is ~15)
 *   BENCH_N=1,8 BENCH_RSYNC_MAX_N=8 npm run bench:fanout   # a shorter run
 *   BENCH_N=1,32 BENCH_RSYNC_MAX_N=0 BENCH_VARIANTS='[{"label":"in order","aria2":["--stream-piece-selector=default"]},{"label":"random"}]' npm run bench:fanout
 *
 * BENCH_VARIANTS compares torrent settings in one run: each variant adds `aria2` arguments to every client and/or
 * `serve` arguments (serve restarts when they change), and runs at every N right after the previous variant.
 * The table and the plot show every variant. Default: serve as it comes, and with --web-seed-resend-rate 50 and 20.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { imageLayout } from '../src/image/layout.js';
import { resolveHomePaths } from '../src/home/paths.js';
import { applyPublish, planPublish } from '../src/payload/publish.js';
import type { ServeFleet } from '../src/server/serve-fleet.js';
import { execProcess } from '../src/sys/exec.js';
import { ensureDebootstrapRoot } from '../test/helpers/debootstrap-cache.js';
import { minimalManifest } from '../test/helpers/image-builder.js';
import { createTestNetwork } from '../test/helpers/netns.js';
import { startAria2, startNamespacedServe } from '../test/helpers/swarm.js';
import { bootableRootRecipe } from '../test/slow/support/bootable-root.js';
import { renderFanoutSvg, type FanoutPoint, type FanoutRow } from './fanout-plot.js';

const run = promisify(execFile);
const sizes = (process.env['BENCH_N'] ?? '1,8,16,32').split(',').map(Number);
const rsyncMaxN = Number(process.env['BENCH_RSYNC_MAX_N'] ?? '32');
const linkMbit = Number(process.env['BENCH_LINK_MBIT'] ?? '200');
const svgOut = process.env['BENCH_SVG'] ?? join(import.meta.dirname, 'fanout.svg');
const maxN = Math.max(...sizes);
interface Variant {
  label: string;
  /** Extra aria2c arguments for every client. */
  aria2?: string[];
  /** Extra `rootcast serve` arguments. */
  serve?: string[];
}
const defaultVariants: Variant[] = [
  { label: 'default' },
  { label: 'resend 50 Mbit/s', serve: ['--web-seed-resend-rate', '50'] },
  { label: 'resend 20 Mbit/s', serve: ['--web-seed-resend-rate', '20'] },
];
const variants = process.env['BENCH_VARIANTS'] === undefined ? defaultVariants : (JSON.parse(process.env['BENCH_VARIANTS']) as Variant[]);
const mb = 1e6;
const nowS = (): number => performance.now() / 1000;
const load = (): string => loadavg().map((value) => value.toFixed(2)).join(' ');

const main = async (): Promise<void> => {
  const work = await mkdtemp(join(tmpdir(), 'rootcast-bench-fanout-'));
  const paths = resolveHomePaths({ home: join(work, 'home') });
  const layout = imageLayout(paths);
  const net = await createTestNetwork(maxN + 1, `rcf${process.pid}`);
  let serve: Awaited<ReturnType<typeof startNamespacedServe>> | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanUp = (): Promise<void> =>
    (cleaned ??= (async () => {
      await serve?.stop();
      await net.destroy();
      await rm(work, { recursive: true, force: true });
    })());
  // The bench runs for half an hour: Ctrl-C must not leave 33 namespaces and a serve behind.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
  try {
    const root = await ensureDebootstrapRoot(bootableRootRecipe);
    await mkdir(layout.versionDir('bench', 1), { recursive: true });
    await run('cp', ['-al', root, layout.versionRoot('bench', 1)]);
    const imageBytes = Number((await run('du', ['-sb', layout.versionRoot('bench', 1)])).stdout.split('\t')[0]);
    const files = Number((await run('sh', ['-c', `find "$1" | wc -l`, 'sh', layout.versionRoot('bench', 1)])).stdout.trim());
    await writeFile(layout.manifestFile('bench', 1), JSON.stringify(minimalManifest('bench', 1, { sizeBytes: imageBytes })));
    const publishStarted = nowS();
    const published = await applyPublish(paths, await planPublish(paths, 'bench@1'), { exec: execProcess });
    const publishSeconds = nowS() - publishStarted;
    const payloadBytes = published.kind === 'planned' ? 0 : published.record.bytes;
    const payload = published.kind === 'planned' ? '' : published.files.archive;
    console.log(`image bench@1: ${(imageBytes / mb).toFixed(1)} MB in ${files} entries; payload ${(payloadBytes / mb).toFixed(1)} MB (zstd -6), published in ${publishSeconds.toFixed(1)} s`);

    const [serverNs = '', ...clientNs] = net.namespaces;
    const [serverIp = ''] = net.addresses;
    const hosts = clientNs.map((_, index) => `bench${String(index + 1).padStart(2, '0')}`);
    const fleet: ServeFleet = { hosts: hosts.map((name, index) => ({ name, macs: [], ip: net.addresses[index + 1] ?? '', imageRef: 'bench', transport: { mode: 'torrent', autoMinHosts: 1, seedSeconds: 3600 } })) };
    await writeFile(join(work, 'fleet.json'), JSON.stringify(fleet));
    const serveArgs = ['--http', `${serverIp}:8780`, '--rsync', `${serverIp}:8873`, '--rsync-max', '128'];
    let serveExtra: readonly string[] = [];
    serve = await startNamespacedServe(net, serverNs, paths.home, join(work, 'fleet.json'), serveArgs);
    const useServeExtra = async (extra: readonly string[]): Promise<void> => {
      if (extra.join('\0') === serveExtra.join('\0')) return;
      await serve?.stop();
      serve = await startNamespacedServe(net, serverNs, paths.home, join(work, 'fleet.json'), [...serveArgs, ...extra]);
      serveExtra = extra;
    };
    for (const namespace of net.namespaces) await net.shape(namespace, linkMbit);
    const tokens = await Promise.all(hosts.map(async (host, index) => /# token (\S+)/.exec((await net.run(clientNs[index] ?? '', 'curl', ['-sS', `http://${serverIp}:8780/ks/${host}`])).stdout)?.[1] ?? ''));

    /** N aria2c clients at once with `variant`'s extra arguments: the last one's download time and what the server's card sent. */
    const measureTorrent = async (n: number, variant: Variant): Promise<FanoutPoint> => {
      const before = await net.txBytes(serverNs);
      const started = nowS();
      const clients = await Promise.all(Array.from({ length: n }, async (_, index) => {
        const torrent = join(work, `${hosts[index]}.torrent`);
        await net.run(clientNs[index] ?? '', 'curl', ['-sS', '-H', `Authorization: Bearer ${tokens[index]}`, '-o', torrent, `http://${serverIp}:8780/api/v1/hosts/${hosts[index]}/payload/bench@1.torrent`]);
        const client = startAria2(net, clientNs[index] ?? '', { torrent, dir: join(work, 'torrent', hosts[index] ?? ''), token: tokens[index] ?? '', seedSeconds: 3600, extra: ['--summary-interval=1', '--console-log-level=notice', ...(variant.aria2 ?? [])] });
        let output = '';
        const complete = new Promise<number>((resolve, reject) => {
          client.process.stdout?.on('data', (chunk: Buffer) => {
            output += chunk.toString();
            if (output.includes('SEED(')) resolve(nowS() - started);
          });
          void client.done.then((result) => reject(new Error(`aria2c of ${hosts[index]} ended early (${result.exitCode}): ${result.output.slice(-500)}`)));
        });
        return { client, complete };
      }));
      const times = await Promise.all(clients.map((entry) => entry.complete));
      const sent = (await net.txBytes(serverNs)) - before;
      for (const { client } of clients) client.process.kill('SIGTERM');
      await Promise.all(clients.map(({ client }) => client.done));
      await rm(join(work, 'torrent'), { recursive: true, force: true });
      return { lastSeconds: Math.max(...times), serverBytes: sent, copies: sent / payloadBytes };
    };

    const rows: FanoutRow[] = [];
    for (const n of sizes) {
      const row: FanoutRow = { n, torrent: {} };
      if (n <= rsyncMaxN) {
        const before = await net.txBytes(serverNs);
        const started = nowS();
        const finished = await Promise.all(Array.from({ length: n }, async (_, index) => {
          const dest = join(work, 'rsync', hosts[index] ?? '');
          await mkdir(dest, { recursive: true });
          const outcome = await net.run(clientNs[index] ?? '', 'rsync', ['-aHAXS', '--numeric-ids', '--delete', `rsync://install.${hosts[index]}@${serverIp}:8873/img.bench.1/`, `${dest}/`], { env: { RSYNC_PASSWORD: tokens[index] ?? '' }, timeoutMs: 3_600_000 });
          if (outcome.exitCode !== 0) throw new Error(`rsync of ${hosts[index]} failed: ${outcome.stderr}`);
          return nowS() - started;
        }));
        const sent = (await net.txBytes(serverNs)) - before;
        row.rsync = { lastSeconds: Math.max(...finished), serverBytes: sent, copies: sent / imageBytes };
        console.log(`N=${n} rsync: last client ${row.rsync.lastSeconds.toFixed(1)} s, server sent ${(sent / mb).toFixed(0)} MB (${row.rsync.copies.toFixed(2)} copies); load ${load()}`);
        await rm(join(work, 'rsync'), { recursive: true, force: true });
      }
      for (const variant of variants) {
        await useServeExtra(variant.serve ?? []);
        const loadBefore = load();
        const point = await measureTorrent(n, variant);
        row.torrent[variant.label] = point;
        console.log(`N=${n} torrent [${variant.label}]: last client ${point.lastSeconds.toFixed(1)} s, server sent ${(point.serverBytes / mb).toFixed(0)} MB (${point.copies.toFixed(2)} copies); load ${loadBefore} before, ${load()} after`);
      }
      rows.push(row);
    }

    // The unpack the torrent transport adds, for one client (CPU-bound: 2 cores shared by everything here).
    const unpackDir = join(work, 'unpack');
    await mkdir(unpackDir);
    const unpackStarted = nowS();
    await run('tar', ['--extract', `--file=${payload}`, '--use-compress-program=zstd -q', '--numeric-owner', '--acls', '--xattrs', '--xattrs-include=*', `--directory=${unpackDir}`]);
    const unpackSeconds = nowS() - unpackStarted;

    console.log(`\nrootcast bench:fanout — ${(imageBytes / mb).toFixed(0)} MB image (${files} entries), ${(payloadBytes / mb).toFixed(0)} MB payload, every link ${linkMbit} Mbit/s; load average now ${load()}`);
    const labels = variants.map((variant) => variant.label);
    console.log(`| N | rsync last client s | rsync server MB (copies) | ${labels.map((label) => `torrent [${label}] last client s (× its N=1) | torrent [${label}] server MB (copies)`).join(' | ')} |`);
    console.log(`|---|---|---|${labels.map(() => '---|---|').join('')}`);
    for (const row of rows) {
      const rsync = row.rsync === undefined ? ['—', '—'] : [row.rsync.lastSeconds.toFixed(1), `${(row.rsync.serverBytes / mb).toFixed(0)} (${row.rsync.copies.toFixed(2)})`];
      const torrent = labels.flatMap((label) => {
        const point = row.torrent[label];
        const n1 = rows.find((candidate) => candidate.n === 1)?.torrent[label]?.lastSeconds;
        return point === undefined ? ['—', '—'] : [`${point.lastSeconds.toFixed(1)} (${n1 === undefined ? '?' : (point.lastSeconds / n1).toFixed(2)}×)`, `${(point.serverBytes / mb).toFixed(0)} (${point.copies.toFixed(2)})`];
      });
      console.log(`| ${row.n} | ${[...rsync, ...torrent].join(' | ')} |`);
    }
    console.log(`unpack of the payload (one client, zstd -d | tar -x): ${unpackSeconds.toFixed(1)} s; publish (tar | zstd -6, hashing): ${publishSeconds.toFixed(1)} s`);
    await writeFile(svgOut, renderFanoutSvg(rows, { title: `rootcast fan-out, ${new Date().toISOString().slice(0, 10)}: ${(imageBytes / mb).toFixed(0)} MB image, ${linkMbit} Mbit/s links; load average at the end ${loadavg()[0]?.toFixed(1)} on 2 cores` }));
    console.log(`plot: ${svgOut}`);
  } finally {
    await cleanUp();
  }
};

await main();

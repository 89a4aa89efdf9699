/**
 * bench/deploy: the runner (dist/runner.cjs under node) deploying a ≥ 500 MB image from the real server
 * against plain `rsync -aHAXS --numeric-ids --delete` from the same daemon module onto an identical
 * fresh target (a bind mount point in a private mount namespace), measured in the same run. Prints
 * ratios; asserts nothing (benchmarks are not tests).
 *
 *   npm run bench:deploy   # ~600 MB image, 1 warm-up pair, then 3 runs each
 *   BENCH_REPEATS=1 BENCH_WARMUP=0 BENCH_IMAGE_MB=500 npm run bench:deploy   # a quick smoke run
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageLayout } from '../src/image/layout.js';
import { apiPrefix, type DeployInstructions, type RunnerPhase } from '../src/protocol/deploy-protocol.js';
import { openEventLog, type StoredEvent } from '../src/server/event-log.js';
import { ensureDebootstrapRoot, imageRootRecipe, installedRootRecipe } from '../test/helpers/debootstrap-cache.js';
import { addVersion, makeTempHome, removeHome } from '../test/helpers/image-builder.js';
import { diffTrees, runBundle } from '../test/helpers/runner-harness.js';
import { startDeployServer } from '../test/slow/support/deploy-server.js';

const repeats = Number(process.env['BENCH_REPEATS'] ?? '3');
// The first pair ran ~2× slower on every trial (caches, daemon start); it is run but not counted.
const warmups = Number(process.env['BENCH_WARMUP'] ?? '1');
const imageBytesWanted = Number(process.env['BENCH_IMAGE_MB'] ?? '600') * 1e6;
const host = 'bench01';
const bundle = join(import.meta.dirname, '../runner.cjs');
const gb = 1e9;
const mb = 1e6;

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const runs = (values: number[]): string => `min ${Math.min(...values).toFixed(2)}; runs ${values.map((value) => value.toFixed(2)).join(', ')}`;
const bytesOf = (path: string): number => Number(execFileSync('du', ['-sb', path], { encoding: 'utf8' }).split('\t')[0]);

/** Thousands of small files plus 16 MiB blobs up to `bytes`; random data so nothing is skipped or compressed. */
const generateData = (root: string, bytes: number): number => {
  const pool = randomBytes(64 * 1024 * 1024);
  const smallFiles = 8000;
  let written = 0;
  let files = 0;
  for (let index = 0; index < smallFiles; index += 1) {
    const dir = join(root, 'srv/bench/small', `d${String(Math.floor(index / 200)).padStart(3, '0')}`);
    if (index % 200 === 0) mkdirSync(dir, { recursive: true });
    const size = 256 + ((index * 7919) % 16_384);
    const offset = (index * 4099) % (pool.length - size);
    writeFileSync(join(dir, `f${index}`), pool.subarray(offset, offset + size));
    written += size;
    files += 1;
  }
  mkdirSync(join(root, 'srv/bench/blobs'), { recursive: true });
  const blob = 16 * 1024 * 1024;
  for (let index = 0; written < bytes; index += 1) {
    const offset = (index * 1_048_573) % (pool.length - blob);
    writeFileSync(join(root, 'srv/bench/blobs', `blob${index}`), pool.subarray(offset, offset + blob));
    written += blob;
    files += 1;
  }
  return files;
};

/** A fresh copy of the installed minimal root; synced so its writeback does not land in the timed run. */
const prepareTarget = (installed: string, target: string): void => {
  rmSync(target, { recursive: true, force: true });
  execFileSync('cp', ['-a', installed, target]);
  execFileSync('sync');
};

/** Plain rsync from the same module, wrapped exactly like runBundle: private namespace, target bound onto itself. */
const timePlainRsync = async (source: string, target: string, token: string): Promise<number> => {
  const script = 'set -e; mount --bind "$1" "$1"; shift; exec "$@"';
  const args = ['-m', '--propagation', 'private', '--', 'sh', '-c', script, 'sh', target, 'rsync', '-aHAXS', '--numeric-ids', '--delete', source, `${target}/`];
  const started = performance.now();
  const child = spawn('unshare', args, { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', RSYNC_PASSWORD: token }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (status !== 0) throw new Error(`plain rsync failed (${status}):\n${stderr}`);
  return (performance.now() - started) / 1000;
};

interface RunnerTiming {
  total: number;
  /** Seconds from spawn to the first event: node start, instructions, facts (the RAM-copy size probe). */
  startup: number;
  phases: Partial<Record<RunnerPhase, number>>;
  events: StoredEvent[];
}

/** Phase durations from the events the server stored (runner clock: started → succeeded/skipped). */
const phaseSeconds = (events: readonly StoredEvent[]): Partial<Record<RunnerPhase, number>> => {
  const started = new Map<RunnerPhase, number>();
  const seconds: Partial<Record<RunnerPhase, number>> = {};
  for (const event of events) {
    if (event.status === 'started') started.set(event.phase, Date.parse(event.at));
    const from = started.get(event.phase);
    if ((event.status === 'succeeded' || event.status === 'skipped') && from !== undefined) seconds[event.phase] = (Date.parse(event.at) - from) / 1000;
  }
  return seconds;
};

const timeRunner = async (target: string, url: string, token: string, work: string, eventsSoFar: () => Promise<StoredEvent[]>): Promise<RunnerTiming> => {
  const before = (await eventsSoFar()).length;
  const args = ['--target', target, '--server', url, '--host', host, '--token', token, '--work-dir', join(work, 'run'), '--progress-interval', '30'];
  const spawnedAt = Date.now();
  const started = performance.now();
  const result = await runBundle(bundle, args, { target }).done;
  const total = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`the runner failed (${result.status}):\n${result.stderr}`);
  const events = (await eventsSoFar()).slice(before);
  const first = events[0];
  return { total, startup: first === undefined ? NaN : (Date.parse(first.at) - spawnedAt) / 1000, phases: phaseSeconds(events), events };
};

const main = async (): Promise<void> => {
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run "npm run build" (or "npm run bench:deploy")`);
  const [installed, base] = await Promise.all([ensureDebootstrapRoot(installedRootRecipe), ensureDebootstrapRoot(imageRootRecipe)]);
  const work = mkdtempSync(join(tmpdir(), 'rootcast-bench-deploy-'));
  const paths = await makeTempHome('rootcast-bench-deploy-home-');
  let served: Awaited<ReturnType<typeof startDeployServer>> | undefined;
  try {
    // The golden image: another debootstrap plus generated data; package files equal to the target's are skipped by both runs.
    const golden = join(work, 'golden');
    execFileSync('cp', ['-a', base, golden]);
    const generatedFiles = generateData(golden, imageBytesWanted - bytesOf(golden));
    const version = await addVersion(paths, 'bench', golden);
    rmSync(golden, { recursive: true, force: true });
    const imageBytes = bytesOf(imageLayout(paths).versionRoot('bench', version));
    const minimalRootBytes = bytesOf(installed);

    served = await startDeployServer(paths, host, `bench@${version}`, bundle);
    const response = await fetch(`${served.url}${apiPrefix}/hosts/${host}/deploy`, { headers: { authorization: `Bearer ${served.token}` } });
    if (!response.ok) throw new Error(`GET deploy instructions: ${response.status} ${await response.text()}`);
    const instructions = (await response.json()) as DeployInstructions;
    const source = instructions.rsync.url;
    const eventLog = openEventLog(paths);
    const eventsSoFar = (): Promise<StoredEvent[]> => eventLog.list(host, 1_000_000);

    const rsyncVersion = (root: string): string => execFileSync('chroot', [root, 'rsync', '--version'], { encoding: 'utf8' }).split('\n')[0] ?? '?';
    console.log(`image ${instructions.ref}: ${(imageBytes / mb).toFixed(0)} MB (${generatedFiles} generated files in /srv/bench + a debootstrapped minbase)`);
    console.log(`minimal root (target and RAM-copy source): ${(minimalRootBytes / mb).toFixed(0)} MB; ${repeats} runs each, alternating`);
    console.log(`rsync: plain = ${rsyncVersion('/')}; runner (chrooted toolbox) = ${rsyncVersion(installed)}`);

    const plainTarget = join(work, 'target-plain');
    const runnerTarget = join(work, 'target-runner');
    const plain: number[] = [];
    const ours: RunnerTiming[] = [];
    for (let run = 0; run < warmups + repeats; run += 1) {
      // Each install spends its token: a new answer file's token per round, published to the daemon by a first request.
      const token = await served.freshToken();
      await fetch(`${served.url}${apiPrefix}/hosts/${host}/deploy`, { headers: { authorization: `Bearer ${token}` } });
      // Alternate so page-cache and CPU-frequency drift hit both alike.
      prepareTarget(installed, plainTarget);
      const plainSeconds = await timePlainRsync(source, plainTarget, token);
      execFileSync('sync');
      prepareTarget(installed, runnerTarget);
      const runnerTiming = await timeRunner(runnerTarget, served.url, token, work, eventsSoFar);
      execFileSync('sync');
      if (run < warmups) {
        console.log(`warm-up (not counted): plain ${plainSeconds.toFixed(2)} s, runner ${runnerTiming.total.toFixed(2)} s`);
        continue;
      }
      plain.push(plainSeconds);
      ours.push(runnerTiming);
    }

    const baseline = median(plain);
    const total = median(ours.map((timing) => timing.total));
    const ramCopy = median(ours.map((timing) => timing.phases['ram-copy'] ?? NaN));
    const ramCopied = ours[0]?.events.find((event) => event.phase === 'ram-copy' && event.status === 'succeeded')?.bytes ?? NaN;
    const sync = ours[0]?.events.find((event) => event.phase === 'sync-image' && event.status === 'succeeded');
    console.log(`plain rsync        : ${baseline.toFixed(2)} s (median; ${runs(plain)})`);
    console.log(`runner total       : ${total.toFixed(2)} s (median; ${runs(ours.map((timing) => timing.total))})`);
    console.log(`  startup+facts    : ${median(ours.map((timing) => timing.startup)).toFixed(2)} s (${runs(ours.map((timing) => timing.startup))})`);
    for (const phase of ['preflight', 'ram-copy', 'mount', 'sync-image', 'cleanup'] as const) {
      const values = ours.map((timing) => timing.phases[phase] ?? NaN);
      console.log(`  ${phase.padEnd(16)} : ${median(values).toFixed(2)} s (${runs(values)})`);
    }
    const outside = ours.map((timing) => timing.total - (timing.phases['sync-image'] ?? NaN));
    console.log(`  outside the sync : ${median(outside).toFixed(2)} s (total − sync-image; ${runs(outside)})`);
    console.log(`  sync-image says  : ${sync?.message ?? '?'}`);
    console.log(`ratio runner total / plain rsync : ${(total / baseline).toFixed(3)}  (target ≤ 1.3)`);
    console.log(`ratio sync-image / plain rsync  : ${(median(ours.map((timing) => timing.phases['sync-image'] ?? NaN)) / baseline).toFixed(3)}  (the runner's rsync alone)`);
    console.log(`RAM copy per GB of the minimal root : ${(ramCopy / (minimalRootBytes / gb)).toFixed(2)} s/GB  (target ≤ 3; ${(ramCopied / mb).toFixed(0)} MB actually copied: ${(ramCopy / (ramCopied / gb)).toFixed(2)} s/GB of that)`);

    // Sanity, not a test: both targets hold the same tree apart from what the runner keeps or owns.
    const excludes = [...instructions.keepPaths, '/var/log/rootcast/'];
    const differences = await diffTrees(plainTarget, runnerTarget, excludes);
    console.log(`runner target vs plain target: ${differences.length === 0 ? 'identical' : `${differences.length} differences, e.g.\n  ${differences.slice(0, 5).join('\n  ')}`} (excluding ${excludes.join(' ')})`);
  } finally {
    await served?.server.stop();
    await removeHome(paths);
    rmSync(work, { recursive: true, force: true });
  }
};

await main();

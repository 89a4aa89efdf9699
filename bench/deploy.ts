/**
 * bench/deploy: the runner (dist/runner.cjs under node) deploying a ≥ 500 MB image from the real server
 * against plain `rsync -aHAXS --numeric-ids --delete` from the same daemon module onto an identical
 * fresh target (a bind mount point in a private mount namespace), measured in the same run; plain
 * rsync with `--sockopts=TCP_NODELAY` too, the one transport option the runner adds (apples to apples).
 * Prints ratios and the runner's per-phase breakdown; asserts nothing (benchmarks are not tests). The
 * machine is shared: the load average is printed before and after, and the order of the contenders
 * alternates per round.
 * The host has override layers (1,000 small files across all/, image/, group/ and host/, 50 of them
 * templates) and an identity layer, so the runner's overrides and identity phases run as in a real
 * deploy (serve on an inventory); their time is printed against the sync's (target < 10%). Not timed:
 * the bootloader phase (--no-bootloader; the targets are directories) and serve's render of the host's
 * tree, which happens while it answers the deploy request (it falls in startup+facts).
 * BENCH_COMPARE_RUNNER=FILE times another runner build (e.g. main's) in the same rounds.
 *
 *   npm run bench:deploy   # ~600 MB image, 1 warm-up round, then 3 rounds
 *   BENCH_REPEATS=1 BENCH_WARMUP=0 BENCH_IMAGE_MB=500 npm run bench:deploy   # a quick smoke run
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageLayout } from '../src/image/layout.js';
import { apiPrefix, runnerPhases, type DeployInstructions, type RunnerPhase } from '../src/protocol/deploy-protocol.js';
import { storedPhaseEvents, type StoredPhaseEvent as StoredEvent } from '../test/helpers/stored-events.js';
import { ensureDebootstrapRoot, imageRootRecipe, installedRootRecipe } from '../test/helpers/debootstrap-cache.js';
import { addVersion, makeTempHome, removeHome } from '../test/helpers/image-builder.js';
import { diffTrees, runBundle } from '../test/helpers/runner-harness.js';
import { startInventoryServe, type InventoryServe } from '../test/helpers/inventory-serve.js';
import { issueInstallToken } from '../src/credentials/issue-token.js';

const repeats = Number(process.env['BENCH_REPEATS'] ?? '3');
// The first pair ran ~2× slower on every trial (caches, daemon start); it is run but not counted.
const warmups = Number(process.env['BENCH_WARMUP'] ?? '1');
const imageBytesWanted = Number(process.env['BENCH_IMAGE_MB'] ?? '600') * 1e6;
const host = 'bench01';
const bundle = join(import.meta.dirname, '../runner.cjs');
// Another build of the runner (e.g. main's: node scripts/build-runner.mjs --outfile F) timed in the same rounds.
const compareBundle = process.env['BENCH_COMPARE_RUNNER'];
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

const layerFiles = 1000;
const layerTemplates = 50;
const layerNames = ['all', 'image/bench', 'group/benchers', `host/${host}`];

/** The fleet: one host of image bench in group benchers; the image has no network stack, so identity keeps its (absent) network. */
const benchInventory = [
  'images:',
  '  bench: {identity: {network: keep}}',
  'groups:',
  '  benchers: {image: bench, vars: {role: bench}}',
  'hosts:',
  `  ${host}: {ip: 127.0.0.1, groups: [benchers]}`,
  '',
].join('\n');

/** 1,000 files of ~1 KiB spread over the four layers (directories of 25), every 20th a template. */
const generateLayers = (overridesDir: string): void => {
  for (let index = 0; index < layerFiles; index += 1) {
    const layer = layerNames[index % layerNames.length] ?? 'all';
    const dir = join(overridesDir, layer, 'srv/ovl', layer.replace('/', '-'), `d${String(Math.floor(index / 100)).padStart(2, '0')}`);
    mkdirSync(dir, { recursive: true });
    const template = index % (layerFiles / layerTemplates) === 0;
    const body = template ? `{{host.name}} {{vars.role}} {{image.ref}}\n${'x'.repeat(1000)}\n` : `${String(index).repeat(1 + (1024 / String(index).length))}\n`;
    writeFileSync(join(dir, template ? `f${index}.conf.hbs` : `f${index}.conf`), body);
  }
};

/** A fresh copy of the installed minimal root; synced so its writeback does not land in the timed run. */
const prepareTarget = (installed: string, target: string): void => {
  rmSync(target, { recursive: true, force: true });
  execFileSync('cp', ['-a', installed, target]);
  execFileSync('sync');
};

/** Plain rsync from the same module, wrapped exactly like runBundle: private namespace, target bound onto itself. */
const timePlainRsync = async (source: string, target: string, token: string, extra: readonly string[]): Promise<number> => {
  const script = 'set -e; mount --bind "$1" "$1"; shift; exec "$@"';
  const args = ['-m', '--propagation', 'private', '--', 'sh', '-c', script, 'sh', target, 'rsync', '-aHAXS', '--numeric-ids', '--delete', ...extra, source, `${target}/`];
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
  /** Seconds from the last event (done) to the runner's exit: waiting for event deliveries, node's exit. */
  tail: number;
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

const timeRunner = async (bundle: string, target: string, url: string, token: string, work: string, eventsSoFar: () => Promise<StoredEvent[]>): Promise<RunnerTiming> => {
  const before = (await eventsSoFar()).length;
  // The target is a directory, not a disk: no boot loader.
  const args = ['--target', target, '--server', url, '--host', host, '--token', token, '--work-dir', join(work, 'run'), '--progress-interval', '30', '--no-bootloader'];
  const spawnedAt = Date.now();
  const started = performance.now();
  const result = await runBundle(bundle, args, { target }).done;
  const total = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`the runner failed (${result.status}):\n${result.stderr}`);
  const events = (await eventsSoFar()).slice(before);
  const first = events[0];
  const last = events.at(-1);
  return {
    total,
    startup: first === undefined ? NaN : (Date.parse(first.at) - spawnedAt) / 1000,
    tail: last === undefined ? NaN : (spawnedAt + total * 1000 - Date.parse(last.at)) / 1000,
    phases: phaseSeconds(events),
    events,
  };
};

const main = async (): Promise<void> => {
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run "npm run build" (or "npm run bench:deploy")`);
  const [installed, base] = await Promise.all([ensureDebootstrapRoot(installedRootRecipe), ensureDebootstrapRoot(imageRootRecipe)]);
  const work = mkdtempSync(join(tmpdir(), 'rootcast-bench-deploy-'));
  const paths = await makeTempHome('rootcast-bench-deploy-home-');
  let served: InventoryServe | undefined;
  try {
    // The golden image: another debootstrap plus generated data; package files equal to the target's are skipped by both runs.
    const golden = join(work, 'golden');
    execFileSync('cp', ['-a', base, golden]);
    const generatedFiles = generateData(golden, imageBytesWanted - bytesOf(golden));
    const version = await addVersion(paths, 'bench', golden);
    rmSync(golden, { recursive: true, force: true });
    const imageBytes = bytesOf(imageLayout(paths).versionRoot('bench', version));
    const minimalRootBytes = bytesOf(installed);

    writeFileSync(paths.inventoryFile, benchInventory);
    generateLayers(paths.overridesDir);
    served = await startInventoryServe(paths);
    const freshToken = async (): Promise<string> => (await issueInstallToken(paths, host, { now: new Date(), lifetimeMs: 3_600_000, issuedBy: 'bench' })).token;
    const response = await fetch(`${served.url}${apiPrefix}/hosts/${host}/deploy`, { headers: { authorization: `Bearer ${await freshToken()}` } });
    if (!response.ok) throw new Error(`GET deploy instructions: ${response.status} ${await response.text()}`);
    const instructions = (await response.json()) as DeployInstructions;
    const source = instructions.rsync.url;
    const eventsSoFar = (): Promise<StoredEvent[]> => storedPhaseEvents(paths, host);

    const rsyncVersion = (root: string): string => execFileSync('chroot', [root, 'rsync', '--version'], { encoding: 'utf8' }).split('\n')[0] ?? '?';
    const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    console.log(`image ${instructions.ref}: ${(imageBytes / mb).toFixed(0)} MB (${generatedFiles} generated files in /srv/bench + a debootstrapped minbase)`);
    console.log(`override layers: ${layerFiles} files (${layerTemplates} templates) in ${instructions.overrides?.layers.map((layer) => layer.layer).join(', ') ?? 'none'}`);
    console.log(`minimal root (target and RAM-copy source): ${(minimalRootBytes / mb).toFixed(0)} MB; ${repeats} runs each, order alternating per round`);
    console.log(`rsync: daemon (serve) and plain = ${rsyncVersion('/')}; runner (chrooted toolbox) = ${rsyncVersion(installed)}`);
    console.log(`load average before: ${load()} (${cpus().length} cores; other work on this machine skews every figure)`);

    const targets = { plain: join(work, 'target-plain'), plainNoDelay: join(work, 'target-plain-nodelay'), runner: join(work, 'target-runner'), compare: join(work, 'target-compare') };
    const seconds: Record<'plain' | 'plainNoDelay', number[]> = { plain: [], plainNoDelay: [] };
    const timings: Record<'runner' | 'compare', RunnerTiming[]> = { runner: [], compare: [] };
    const contenders = ['plain', 'plainNoDelay', 'runner', ...(compareBundle === undefined ? [] : ['compare'] as const)] as const;
    for (let run = 0; run < warmups + repeats; run += 1) {
      // A token is published to the daemon by a first request with it.
      const newToken = async (): Promise<string> => {
        const token = await freshToken();
        await fetch(`${served?.url ?? ''}${apiPrefix}/hosts/${host}/deploy`, { headers: { authorization: `Bearer ${token}` } });
        return token;
      };
      // A new answer file's token replaces the last one, and a runner spends its own: one per contender.
      const time: Record<(typeof contenders)[number], () => Promise<number>> = {
        plain: async () => timePlainRsync(source, targets.plain, await newToken(), []),
        plainNoDelay: async () => timePlainRsync(source, targets.plainNoDelay, await newToken(), ['--sockopts=TCP_NODELAY']),
        runner: async () => record('runner', await timeRunner(bundle, targets.runner, served?.url ?? '', await newToken(), work, eventsSoFar)),
        compare: async () => record('compare', await timeRunner(compareBundle ?? '', targets.compare, served?.url ?? '', await newToken(), work, eventsSoFar)),
      };
      const record = (name: 'runner' | 'compare', timing: RunnerTiming): number => {
        if (run >= warmups) timings[name].push(timing);
        return timing.total;
      };
      // Alternate the order so page-cache, writeback and CPU-frequency drift hit every contender alike.
      const order = run % 2 === 0 ? [...contenders] : [...contenders].reverse();
      const took: Partial<Record<(typeof contenders)[number], number>> = {};
      for (const name of order) {
        prepareTarget(installed, targets[name]);
        // Untimed: the token is issued before the clock starts (timePlainRsync and timeRunner time only the transfer or the run).
        took[name] = await time[name]();
        execFileSync('sync');
      }
      if (run < warmups) console.log(`warm-up (not counted): ${order.map((name) => `${name} ${took[name]?.toFixed(2)} s`).join(', ')}`);
      else for (const name of ['plain', 'plainNoDelay'] as const) seconds[name].push(took[name] ?? NaN);
    }

    const baseline = median(seconds.plain);
    const baselineNoDelay = median(seconds.plainNoDelay);
    console.log(`load average after: ${load()}`);
    console.log(`plain rsync        : ${baseline.toFixed(2)} s (median; ${runs(seconds.plain)})`);
    console.log(`plain + TCP_NODELAY: ${baselineNoDelay.toFixed(2)} s (median; ${runs(seconds.plainNoDelay)})`);
    const line = (name: string, values: number[]): void => console.log(`  ${name.padEnd(16)} : ${median(values).toFixed(2)} s (${runs(values)})`);
    const report = (title: string, ours: RunnerTiming[]): void => {
      const total = median(ours.map((timing) => timing.total));
      const syncSeconds = median(ours.map((timing) => timing.phases['sync-image'] ?? NaN));
      const ramCopy = median(ours.map((timing) => timing.phases['ram-copy'] ?? NaN));
      const ramCopied = ours[0]?.events.find((event) => event.phase === 'ram-copy' && event.status === 'succeeded')?.bytes ?? NaN;
      console.log(`${title.padEnd(19)}: ${total.toFixed(2)} s (median; ${runs(ours.map((timing) => timing.total))})`);
      line('startup+facts', ours.map((timing) => timing.startup));
      for (const phase of runnerPhases.filter((name) => name !== 'done')) line(phase, ours.map((timing) => timing.phases[phase] ?? NaN));
      line('after done', ours.map((timing) => timing.tail));
      line('outside the sync', ours.map((timing) => timing.total - (timing.phases['sync-image'] ?? NaN)));
      const added = ours.map((timing) => (timing.phases.overrides ?? NaN) + (timing.phases.identity ?? NaN));
      line('overrides+identity', added);
      console.log(`  overrides says   : ${ours[0]?.events.find((event) => event.phase === 'overrides' && event.status === 'succeeded')?.message ?? '?'}`);
      console.log(`  ratio overrides+identity / sync-image : ${(median(added) / syncSeconds).toFixed(3)}  (target < 0.10)`);
      console.log(`  sync-image says  : ${ours[0]?.events.find((event) => event.phase === 'sync-image' && event.status === 'succeeded')?.message ?? '?'}`);
      console.log(`  ratio total / plain rsync      : ${(total / baseline).toFixed(3)}  (target ≤ 1.3; / plain + TCP_NODELAY: ${(total / baselineNoDelay).toFixed(3)})`);
      console.log(`  ratio sync-image / plain rsync : ${(syncSeconds / baseline).toFixed(3)}  (target ≤ 1.1; / plain + TCP_NODELAY: ${(syncSeconds / baselineNoDelay).toFixed(3)})`);
      console.log(`  RAM copy per GB of the minimal root : ${(ramCopy / (minimalRootBytes / gb)).toFixed(2)} s/GB  (target ≤ 3; ${(ramCopied / mb).toFixed(0)} MB actually copied: ${(ramCopy / (ramCopied / gb)).toFixed(2)} s/GB of that)`);
    };
    report('runner total', timings.runner);
    if (compareBundle !== undefined) report(`compare (${compareBundle})`, timings.compare);

    // Sanity, not a test: both targets hold the same tree apart from what the runner keeps or owns.
    const excludes = [...instructions.keepPaths, '/var/log/rootcast/', '/etc/rootcast/', '/srv/ovl/', '/etc/hostname', '/etc/hosts', '/etc/machine-id',
      '/usr/local/lib/rootcast/', '/etc/systemd/system/rootcast-firstboot.service', '/etc/systemd/system/multi-user.target.wants/rootcast-firstboot.service'];
    const differences = await diffTrees(targets.plain, targets.runner, excludes);
    console.log(`runner target vs plain target: ${differences.length === 0 ? 'identical' : `${differences.length} differences, e.g.\n  ${differences.slice(0, 5).join('\n  ')}`} (excluding ${excludes.join(' ')})`);
  } finally {
    await served?.stop();
    await removeHome(paths);
    rmSync(work, { recursive: true, force: true });
  }
};

await main();

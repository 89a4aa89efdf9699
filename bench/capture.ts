/**
 * bench/capture: our capture against plain `rsync -aHAXS --numeric-ids -e ssh` of the same tree through
 * the same sshd, measured in the same run, plus where our time goes (`capture --json` timingsMs). Prints
 * medians with min and max; asserts nothing (benchmarks are not tests). Other processes share the machine:
 * read the load averages it prints, and compare figures of one run only.
 *
 *   npm run bench:capture                     # ≥ 20k files, ≥ 500 MB, 5 runs after 1 warm-up
 *   BENCH_SCALE=0.1 npm run bench:capture     # a quick smoke run
 *   BENCH_BEFORE_CLI=/path/to/rootcast.mjs npm run bench:capture   # also time another build, alternating
 */
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMinimalRoot, goldenClientPrograms } from '../test/helpers/minimal-root.js';
import { makeChrootDir, startSshd } from '../test/helpers/sshd.js';

const scale = Number(process.env['BENCH_SCALE'] ?? '1');
const repeats = Number(process.env['BENCH_REPEATS'] ?? '5');
// Uncounted first round: the first transfer after generating the tree is consistently slower (page cache, writeback).
const warmups = Number(process.env['BENCH_WARMUP'] ?? '1');
const smallFiles = Math.round(20_000 * scale);
const filesPerDir = 125;
const bigFiles = Math.max(1, Math.round(24 * scale));
const bigFileBytes = 20 * 1024 * 1024;
const cli = join(import.meta.dirname, '../rootcast.mjs');
const beforeCli = process.env['BENCH_BEFORE_CLI'];

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const spread = (values: number[], digits = 2): string =>
  `${median(values).toFixed(digits)} (min ${Math.min(...values).toFixed(digits)}, max ${Math.max(...values).toFixed(digits)}; n=${values.length})`;
const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

/** `times` of the shell that ran it: the CPU seconds (user + system) of the command and every child it waited for. */
const cpuSecondsOf = (stderr: string): number => {
  const children = stderr.trimEnd().split('\n').at(-1) ?? '';
  return [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, match) => sum + Number(match[1]) * 60 + Number(match[2]), 0);
};

/**
 * Runs a program to its end under `sh -c '…; times'`; resolves with the wall-clock seconds, the CPU seconds of
 * its process tree here (less sensitive to the machine's other load than wall time) and its stdout.
 */
const timed = (command: string, args: string[]): Promise<{ seconds: number; cpuSeconds: number; stdout: string }> =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('sh', ['-c', '"$@"; status=$?; times >&2; exit $status', 'sh', command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} failed (${code}):\n${stderr}`));
      else resolve({ seconds, cpuSeconds: cpuSecondsOf(stderr), stdout });
    });
  });

/** Small files spread over directories plus a few large ones; random bytes so nothing compresses away. */
const generateTree = (root: string): number => {
  const pool = randomBytes(64 * 1024 * 1024);
  let bytes = 0;
  for (let index = 0; index < smallFiles; index += 1) {
    const dir = join(root, 'srv/data', `d${String(Math.floor(index / filesPerDir)).padStart(4, '0')}`);
    if (index % filesPerDir === 0) mkdirSync(dir, { recursive: true });
    const size = 512 + ((index * 7919) % 7680);
    const offset = (index * 4099) % (pool.length - size);
    writeFileSync(join(dir, `f${index}`), pool.subarray(offset, offset + size));
    bytes += size;
  }
  mkdirSync(join(root, 'srv/big'), { recursive: true });
  for (let index = 0; index < bigFiles; index += 1) {
    const chunks = [pool.subarray(index * 1024, index * 1024 + bigFileBytes / 4), pool.subarray(0, (bigFileBytes * 3) / 4)];
    writeFileSync(join(root, 'srv/big', `blob${index}`), Buffer.concat(chunks));
    bytes += bigFileBytes;
  }
  return bytes;
};

const kilobytesOf = (...paths: string[]): number[] =>
  execFileSync('du', ['-sk', ...paths], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => Number(line.split('\t')[0]));

/** The plain re-capture every other is compared with. */
const floorName = 'plain rsync --link-dest';

type Phase = 'prepare' | 'inspect' | 'pull' | 'settle' | 'store';
const phases: Phase[] = ['prepare', 'inspect', 'pull', 'settle', 'store'];

/** Wall seconds and our own breakdown (ms) of several runs of one variant. */
class Series {
  readonly seconds: number[] = [];
  readonly cpuSeconds: number[] = [];
  readonly phases = new Map<Phase | 'listings', number[]>();
  add(run: { seconds: number; cpuSeconds: number }, json?: string): void {
    this.seconds.push(run.seconds);
    this.cpuSeconds.push(run.cpuSeconds);
    if (json === undefined) return;
    const parsed = JSON.parse(json) as { timingsMs?: Record<Phase, number>; settle: { listings: number } };
    for (const phase of phases) this.phases.set(phase, [...(this.phases.get(phase) ?? []), parsed.timingsMs?.[phase] ?? NaN]);
    this.phases.set('listings', [...(this.phases.get('listings') ?? []), parsed.settle.listings]);
  }
  breakdown(): string {
    if (this.phases.size === 0) return '';
    return phases.map((phase) => `${phase} ${median(this.phases.get(phase) ?? []).toFixed(0)}`).join(', ') + ' ms (medians; inspect runs beside the pull)';
  }
}

const main = async (): Promise<void> => {
  const root = makeChrootDir();
  const work = mkdtempSync(join(tmpdir(), 'rootcast-bench-'));
  // A real golden client has coreutils and findutils: settling lists changed names with its find and date.
  buildMinimalRoot(root, [...goldenClientPrograms(), 'find', 'date']);
  const sshd = await startSshd(root);
  try {
    const bytes = generateTree(root);
    const knownHosts = join(work, 'known_hosts');
    writeFileSync(knownHosts, `${sshd.hostKeyLine}\n`);
    const sshArgs = ['-p', String(sshd.port), '-i', sshd.clientKeyPath, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`];
    const sshCommand = `ssh ${sshArgs.join(' ')}`;
    const source = `root@127.0.0.1:/`;
    const localRsync = execFileSync('rsync', ['--version'], { encoding: 'utf8' }).split('\n')[0];
    const remoteRsync = execFileSync('ssh', [...sshArgs, 'root@127.0.0.1', 'rsync --version'], { encoding: 'utf8' }).split('\n')[0];
    console.log(`tree: ${smallFiles + bigFiles} files in /srv, ${(bytes / 1e6).toFixed(0)} MB (+ a minimal root); ${repeats} runs each after ${warmups} warm-up round(s)`);
    console.log(`rsync here: ${localRsync}; on the golden client: ${remoteRsync}`);
    console.log(`load at start: ${load()} (2 cores, shared with other work: compare figures of this run only)`);

    const variants = [{ name: 'rootcast', cli }, ...(beforeCli === undefined ? [] : [{ name: 'before', cli: beforeCli }])];
    const captureArgs = (program: string, home: string, extra: string[] = []): string[] => [
      program, '--home', home, '--json', 'capture', `root@127.0.0.1:${sshd.port}`, '--image', 'bench', '--ssh-key', sshd.clientKeyPath, '--known-hosts', knownHosts, ...extra,
    ];
    const homeOf = (name: string): string => join(work, `home-${name}`);

    const plain = new Series();
    const full = new Map(variants.map((variant) => [variant.name, new Series()]));
    for (let run = 0; run < warmups + repeats; run += 1) {
      // Rotate the order so page-cache and CPU-frequency effects hit every variant alike.
      const order = [{ name: 'plain', cli: '' }, ...variants];
      for (const variant of [...order.slice(run % order.length), ...order.slice(0, run % order.length)]) {
        if (variant.name === 'plain') {
          rmSync(join(work, 'plain'), { recursive: true, force: true });
          const result = await timed('rsync', ['-aHAXS', '--numeric-ids', '-e', sshCommand, source, `${join(work, 'plain')}/`]);
          if (run >= warmups) plain.add(result);
        } else {
          rmSync(homeOf(variant.name), { recursive: true, force: true });
          const result = await timed(process.execPath, captureArgs(variant.cli, homeOf(variant.name)));
          if (run >= warmups) full.get(variant.name)?.add(result, variant.name === 'rootcast' ? result.stdout : undefined);
        }
      }
    }
    // A second home captured with --settle 0 from the same first version.
    cpSync(homeOf('rootcast'), homeOf('settle0'), { recursive: true });

    const recapture = [
      { name: floorName, run: () => {
        rmSync(join(work, 'plain-linked'), { recursive: true, force: true });
        return timed('rsync', ['-aHAXS', '--numeric-ids', `--link-dest=${join(work, 'plain')}`, '-e', sshCommand, source, `${join(work, 'plain-linked')}/`]);
      } },
      { name: 'rootcast (--settle 1, the default)', run: () => timed(process.execPath, captureArgs(cli, homeOf('rootcast'))) },
      { name: 'rootcast --settle 0', run: () => timed(process.execPath, captureArgs(cli, homeOf('settle0'), ['--settle', '0'])) },
      ...(beforeCli === undefined ? [] : [{ name: 'before (--settle 1)', run: () => timed(process.execPath, captureArgs(beforeCli, homeOf('before'))) }]),
    ];
    const re = new Map(recapture.map((variant) => [variant.name, new Series()]));
    for (let run = 0; run < repeats; run += 1) {
      appendFileSync(join(root, 'srv/data/d0000/f0'), `change ${run}\n`);
      for (const variant of [...recapture.slice(run % recapture.length), ...recapture.slice(0, run % recapture.length)]) {
        const result = await variant.run();
        re.get(variant.name)?.add(result, variant.name.startsWith('rootcast') ? result.stdout : undefined);
      }
    }

    // A live golden client: a log appended every 100 ms throughout the re-capture.
    const busy = new Series();
    for (let run = 0; run < repeats; run += 1) {
      const log = join(root, 'srv/app.log');
      const ticker = setInterval(() => appendFileSync(log, `${Date.now()}\n`), 100);
      try {
        const result = await timed(process.execPath, captureArgs(cli, homeOf('rootcast')));
        busy.add(result, result.stdout);
      } finally {
        clearInterval(ticker);
      }
    }

    const starts: number[] = [];
    for (let run = 0; run < repeats; run += 1) starts.push((await timed(process.execPath, [cli, '--version'])).seconds);

    const [v1Kb, v2Kb] = kilobytesOf(join(homeOf('rootcast'), 'images/bench/1'), join(homeOf('rootcast'), 'images/bench/2'));
    const ours = full.get('rootcast') as Series;
    const floor = re.get(floorName) as Series;
    console.log(`load at end: ${load()}`);
    const cpuRatio = (a: Series, b: Series): string => (median(a.cpuSeconds) / median(b.cpuSeconds)).toFixed(3);
    console.log(`\nfull capture, seconds: median (min, max); CPU seconds here (our process tree, not the golden client's side)`);
    console.log(`  plain rsync -aHAXS -e ssh : ${spread(plain.seconds)}; CPU ${spread(plain.cpuSeconds)}`);
    for (const [name, series] of full) console.log(`  ${name.padEnd(25)} : ${spread(series.seconds)}; CPU ${spread(series.cpuSeconds)}`);
    console.log(`  rootcast breakdown        : ${ours.breakdown()}`);
    console.log(`  ratio rootcast / plain    : ${(median(ours.seconds) / median(plain.seconds)).toFixed(3)} wall, ${cpuRatio(ours, plain)} CPU  (target ≤ 1.05)`);
    console.log(`\nre-capture after one changed file, seconds: median (min, max); CPU seconds here`);
    for (const [name, series] of re) {
      const ratio = name === floorName ? '' : `  ratio to the floor ${(median(series.seconds) / median(floor.seconds)).toFixed(3)} wall, ${cpuRatio(series, floor)} CPU`;
      console.log(`  ${name.padEnd(36)} : ${spread(series.seconds)}; CPU ${spread(series.cpuSeconds)}${ratio}`);
      if (series.phases.size > 0) console.log(`  ${''.padEnd(36)}   ${series.breakdown()}`);
    }
    console.log(`  (target: rootcast with --settle 1 ≤ 1.15 × plain rsync --link-dest, the floor for a hard-linked version)`);
    console.log(`  busy golden client (a log appended every 0.1 s): ${spread(busy.seconds)}; listings ${median(busy.phases.get('listings') ?? [])}; ${busy.breakdown()}`);
    console.log(`\nnode start-up of the CLI (rootcast --version): ${spread(starts, 3)} s`);
    console.log(`version 1 on disk: ${v1Kb} KiB; version 2 extra: ${v2Kb} KiB for one changed small file (target ≤ changed bytes + 1024 KiB)`);
  } finally {
    await sshd.stop();
    rmSync(root, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
};

await main();

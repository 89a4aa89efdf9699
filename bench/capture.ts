/**
 * bench/capture: our capture against plain `rsync -aHAXS --numeric-ids -e ssh` of the same tree through
 * the same sshd, measured in the same run. Prints ratios; asserts nothing (benchmarks are not tests).
 *
 *   npm run bench:capture            # ≥ 20k files, ≥ 500 MB
 *   BENCH_SCALE=0.1 npm run bench:capture   # a quick smoke run
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMinimalRoot, goldenClientPrograms } from '../test/helpers/minimal-root.js';
import { makeChrootDir, startSshd } from '../test/helpers/sshd.js';

const scale = Number(process.env['BENCH_SCALE'] ?? '1');
const repeats = Number(process.env['BENCH_REPEATS'] ?? '5');
// Uncounted first pair: the first transfer after generating the tree is consistently slower (page cache, writeback).
const warmups = Number(process.env['BENCH_WARMUP'] ?? '1');
const smallFiles = Math.round(20_000 * scale);
const filesPerDir = 125;
const bigFiles = Math.max(1, Math.round(24 * scale));
const bigFileBytes = 20 * 1024 * 1024;
const cli = join(import.meta.dirname, '../rootcast.mjs');

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

const timed = (command: string, args: string[]): number => {
  const started = performance.now();
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const elapsed = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stderr}`);
  return elapsed;
};

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

const main = async (): Promise<void> => {
  const root = makeChrootDir();
  const work = mkdtempSync(join(tmpdir(), 'rootcast-bench-'));
  buildMinimalRoot(root, goldenClientPrograms());
  const sshd = await startSshd(root);
  try {
    const bytes = generateTree(root);
    const knownHosts = join(work, 'known_hosts');
    writeFileSync(knownHosts, `${sshd.hostKeyLine}\n`);
    const sshCommand = `ssh -p ${sshd.port} -i ${sshd.clientKeyPath} -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${knownHosts}`;
    const source = `root@127.0.0.1:/`;
    console.log(`tree: ${smallFiles + bigFiles} files in /srv, ${(bytes / 1e6).toFixed(0)} MB (+ a minimal root); ${repeats} runs each after ${warmups} warm-up pair(s); load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);

    const plain: number[] = [];
    const ours: number[] = [];
    const home = join(work, 'home');
    const captureArgs = [cli, '--home', home, 'capture', `root@127.0.0.1:${sshd.port}`, '--image', 'bench', '--ssh-key', sshd.clientKeyPath, '--known-hosts', knownHosts];
    for (let run = 0; run < warmups + repeats; run += 1) {
      // Alternate the two so page-cache and CPU-frequency effects hit both alike.
      const dest = join(work, 'plain');
      rmSync(dest, { recursive: true, force: true });
      const plainSeconds = timed('rsync', ['-aHAXS', '--numeric-ids', '-e', sshCommand, `${source}`, `${dest}/`]);
      rmSync(home, { recursive: true, force: true });
      const oursSeconds = timed(process.execPath, captureArgs);
      if (run < warmups) continue;
      plain.push(plainSeconds);
      ours.push(oursSeconds);
    }
    const recaptures: number[] = [];
    const plainLinked: number[] = [];
    for (let run = 0; run < repeats; run += 1) {
      appendFileSync(join(root, 'srv/data/d0000/f0'), `change ${run}\n`);
      // The floor for any hard-linked snapshot: plain rsync --link-dest of the same tree into a fresh directory.
      const linked = join(work, 'plain-linked');
      rmSync(linked, { recursive: true, force: true });
      plainLinked.push(timed('rsync', ['-aHAXS', '--numeric-ids', `--link-dest=${join(work, 'plain')}`, '-e', sshCommand, source, `${linked}/`]));
      recaptures.push(timed(process.execPath, captureArgs));
    }
    const [v1Kb, v2Kb] = kilobytesOf(join(home, 'images/bench/1'), join(home, 'images/bench/2'));
    const full = median(ours);
    const baseline = median(plain);
    console.log(`plain rsync -e ssh : ${baseline.toFixed(2)} s (median; runs ${plain.map((s) => s.toFixed(2)).join(', ')})`);
    console.log(`rootcast capture   : ${full.toFixed(2)} s (median; runs ${ours.map((s) => s.toFixed(2)).join(', ')})`);
    console.log(`re-capture (1 file): ${median(recaptures).toFixed(2)} s (median; runs ${recaptures.map((s) => s.toFixed(2)).join(', ')})`);
    console.log(`ratio full capture / plain rsync : ${(full / baseline).toFixed(3)}  (target ≤ 1.05)`);
    console.log(`plain rsync --link-dest (1 file changed): ${median(plainLinked).toFixed(2)} s (median; runs ${plainLinked.map((s) => s.toFixed(2)).join(', ')})`);
    console.log(`ratio re-capture / full capture  : ${(median(recaptures) / full).toFixed(3)}  (target ≤ 0.05)`);
    console.log(`ratio re-capture / plain rsync --link-dest : ${(median(recaptures) / median(plainLinked)).toFixed(3)}  (the floor for a hard-linked version)`);
    console.log(`version 1 on disk: ${v1Kb} KiB; version 2 extra: ${v2Kb} KiB for one changed small file (target ≤ changed bytes + 1024 KiB)`);
  } finally {
    await sshd.stop();
    rmSync(root, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
};

await main();

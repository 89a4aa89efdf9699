/**
 * bench/update: `rootcast update` (node runner.cjs update --target-root DIR) moving a host between two
 * versions of a ≥ 20k-file image that differ in one file, against plain `rsync -aHAXS --numeric-ids --delete`
 * from the same daemon module onto an identical tree (same server, same credential), in the same rounds,
 * alternating which goes first. The update's time includes node's start, the instructions request, its
 * events, the marker and deployed.json. Plain rsync with the update's --delay-updates --delete-delay
 * --no-inc-recursive is timed too, to show what landing the files together costs by itself, and plain rsync
 * with the update's own rules (excludes, data-tree protection, delayed updates), to split the update's cost. Asserts
 * nothing; prints medians and ratios.
 *
 *   npm run bench:update                      # 20,000 files, 1 warm-up, 5 rounds
 *   BENCH_FILES=30000 BENCH_REPEATS=9 npm run bench:update
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { addVersion, makeTempHome, removeHome } from '../test/helpers/image-builder.js';
import { startServeForTests } from '../test/helpers/serve-for-tests.js';
import { planDataProtection, planUpdateExcludes } from '../src/update/update-excludes.js';

const files = Number(process.env['BENCH_FILES'] ?? '20000');
const repeats = Number(process.env['BENCH_REPEATS'] ?? '5');
const warmups = Number(process.env['BENCH_WARMUP'] ?? '1');
const bundle = join(import.meta.dirname, '../runner.cjs');
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const fmt = (values: number[]): string => `${median(values).toFixed(3)} s (min ${Math.min(...values).toFixed(3)}, runs ${values.map((v) => v.toFixed(3)).join(' ')})`;

/** Runs to completion without blocking the event loop (serve runs in this process) and returns the seconds it took. */
const timed = async (command: string, args: readonly string[], env: Record<string, string> = {}): Promise<number> => {
  const start = performance.now();
  const child = spawn(command, [...args], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [status] = (await once(child, 'close')) as [number | null];
  const seconds = (performance.now() - start) / 1000;
  if (status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${status}): ${stderr}`);
  return seconds;
};

const main = async (): Promise<void> => {
  const work = mkdtempSync(join(tmpdir(), 'rootcast-bench-update-'));
  const paths = await makeTempHome('rootcast-bench-update-home-');
  try {
    const golden = join(work, 'golden');
    for (let index = 0; index < files; index += 1) {
      const dir = join(golden, 'usr/share/bench', `d${String(Math.floor(index / 250)).padStart(3, '0')}`);
      if (index % 250 === 0) mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `f${index}`), `file ${index} ${'x'.repeat(index % 300)}\n`);
    }
    mkdirSync(join(golden, 'etc'), { recursive: true });
    writeFileSync(join(golden, 'etc/app.conf'), 'version 1\n');
    execFileSync('find', [golden, '-exec', 'touch', '-h', '-d', '2020-01-01T00:00:00Z', '{}', '+']);
    await addVersion(paths, 'web', golden);
    writeFileSync(join(golden, 'etc/app.conf'), 'version 2\n');
    execFileSync('touch', ['-d', '2020-01-02T00:00:00Z', join(golden, 'etc/app.conf')]);
    await addVersion(paths, 'web', golden);
    const serve = await startServeForTests({ home: paths.home, images: [], hosts: [{ name: 'bench01', macs: [], ip: '127.0.0.1', imageRef: 'web@2' }] });
    try {
      const token = await serve.token('bench01');
      const enrolled = (await (await fetch(`${serve.url}/api/v1/hosts/bench01/credential`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).json()) as { credential: string };
      const credential = enrolled.credential;
      const rsyncPort = serve.server.rsync.port;
      const updateRoot = join(work, 'update-host');
      mkdirSync(join(updateRoot, 'etc/rootcast'), { recursive: true });
      writeFileSync(join(updateRoot, 'etc/rootcast/client.json'), JSON.stringify({ server: serve.url, host: 'bench01', rsyncUser: 'host.bench01' }));
      writeFileSync(join(updateRoot, 'etc/rootcast/host.key'), `${credential}\n`);
      await timed(process.execPath, [bundle, 'update', '--target-root', updateRoot, '--image', 'web@1']);
      const plainRoot = join(work, 'plain-host');
      const delayRoot = join(work, 'plain-delay-host');
      const plain = (root: string, version: number, extra: string[]): Promise<number> =>
        timed('rsync', ['-aHAXS', '--numeric-ids', '--delete', ...extra, '--exclude=/etc/rootcast/', '--', `rsync://host.bench01@127.0.0.1:${rsyncPort}/img.web.${version}/`, `${root}/`], { RSYNC_PASSWORD: credential });
      await plain(plainRoot, 1, []);
      await plain(delayRoot, 1, []);
      const times = { update: [] as number[], plain: [] as number[], delay: [] as number[], delayFullList: [] as number[], rules: [] as number[] };
      const fullListRoot = join(work, 'plain-full-list-host');
      await plain(fullListRoot, 1, []);
      // The update's own rsync options and rules (its excludes, data-tree protection, --delay-updates): what rsync alone costs it.
      const rulesRoot = join(work, 'plain-rules-host');
      await plain(rulesRoot, 1, []);
      const updateRules = [
        ...planUpdateExcludes({ keepPaths: ['/etc/fstab', '/etc/crypttab', '/boot/efi/'], captureExcludes: [], adminPatterns: [], foreignMounts: [], swapFiles: [], linkedDataDirs: [] }).map((pattern) => `--exclude=${pattern}`),
        '--delay-updates', '--delete-delay',
        ...planDataProtection([], 'image').map((rule) => `--filter=${rule}`),
      ];
      console.log(`bench/update: ${files} files, ${repeats} rounds (+${warmups} warm-up), load ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
      for (let round = 0; round < warmups + repeats; round += 1) {
        const version = round % 2 === 0 ? 2 : 1;
        const contenders: [keyof typeof times, () => Promise<number>][] = [
          ['update', () => timed(process.execPath, [bundle, 'update', '--target-root', updateRoot, '--image', `web@${version}`])],
          ['plain', () => plain(plainRoot, version, [])],
          ['delay', () => plain(delayRoot, version, ['--delay-updates', '--delete-delay'])],
          ['delayFullList', () => plain(fullListRoot, version, ['--delay-updates', '--delete-delay', '--no-inc-recursive'])],
          ['rules', () => plain(rulesRoot, version, updateRules)],
        ];
        const order = round % 2 === 0 ? contenders : [...contenders].reverse();
        for (const [name, run] of order) {
          const seconds = await run();
          if (round >= warmups) times[name].push(seconds);
        }
      }
      console.log(`rootcast update:                     ${fmt(times.update)}`);
      console.log(`plain rsync --delete:                ${fmt(times.plain)}`);
      console.log(`plain rsync + --delay-updates --delete-delay:  ${fmt(times.delay)}`);
      console.log(`  the same + --no-inc-recursive:      ${fmt(times.delayFullList)}`);
      console.log(`plain rsync with the update's rules: ${fmt(times.rules)}`);
      console.log(`ratio update / plain (medians): ${(median(times.update) / median(times.plain)).toFixed(2)}×  (by minimums ${(Math.min(...times.update) / Math.min(...times.plain)).toFixed(2)}×); target ≤ 1.2×`);
      console.log(`ratio delay-updates / plain (medians): ${(median(times.delay) / median(times.plain)).toFixed(2)}×`);
      console.log(`ratio rsync with the update's rules / plain (medians): ${(median(times.rules) / median(times.plain)).toFixed(2)}×; the rest of the update (node, serve's answer and records, marker, events): ${(median(times.update) - median(times.rules)).toFixed(3)} s`);
      console.log(`load after: ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
    } finally {
      await serve.stop();
    }
  } finally {
    await removeHome(paths);
    rmSync(work, { recursive: true, force: true });
  }
};

await main();

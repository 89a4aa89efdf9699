/**
 * bench/events: one `rootcast serve` (the built binary, its own process) takes events from 200 simulated
 * hosts, each posting one sync progress event per second for 60 s, while a dashboard page follows the
 * fleet live. Prints how many events were accepted and stored (each host's in order), the post latency
 * (median, p99, max), serve's CPU share and memory, then how long Chromium takes to render the dashboard of
 * the 200 hosts. Asserts nothing (benchmarks are not tests).
 *
 *   npm run bench:events
 *   BENCH_HOSTS=50 BENCH_SECONDS=20 npm run bench:events
 */
import { spawn } from 'node:child_process';
import { availableParallelism, tmpdir } from 'node:os';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { issueInstallToken } from '../src/credentials/issue-token.js';
import { resolveHomePaths } from '../src/home/paths.js';
import { buildFixtureStore } from '../test/integration/serve-fixture.js';
import { launchChromium } from '../test/helpers/chromium.js';
import { findPackageRoot } from '../src/package/package-root.js';
import { storedEvents } from '../test/helpers/stored-events.js';

const hostCount = Number(process.env['BENCH_HOSTS'] ?? '200');
const seconds = Number(process.env['BENCH_SECONDS'] ?? '60');
const hostName = (index: number): string => `web${String(index + 1).padStart(3, '0')}`;
const percentile = (values: readonly number[], p: number): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))] ?? Number.NaN;

/** utime + stime of a process, in seconds (clock ticks of 1/100 s on Linux). */
const cpuSeconds = async (pid: number): Promise<number> => {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const rssMiB = async (pid: number): Promise<number> => Number(/^VmRSS:\s+(\d+)/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

const main = async (): Promise<void> => {
  const work = await mkdtemp(join(tmpdir(), 'rootcast-bench-events-'));
  const paths = resolveHomePaths({ home: join(work, 'home') });
  const hosts = Array.from({ length: hostCount }, (_, index) => hostName(index));
  await buildFixtureStore(paths);
  await writeFile(paths.inventoryFile, `server: {url: "http://127.0.0.1:8780"}\ngroups:\n  web: {image: web}\nhosts:\n${hosts.map((host) => `  ${host}: {groups: [web]}\n`).join('')}`);
  const tokens = new Map<string, string>();
  for (const host of hosts) tokens.set(host, (await issueInstallToken(paths, host, { now: new Date(), lifetimeMs: 3_600_000, issuedBy: 'bench' })).token);

  const rootcastBinary = join(findPackageRoot(), 'dist', 'rootcast.mjs');
  const serve = spawn(process.execPath, [rootcastBinary, '--home', paths.home, '--json', 'serve', '--http', '127.0.0.1:0', '--rsync', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise((resolve) => serve.once('exit', resolve));
  const chrome = await launchChromium();
  try {
    const started = await new Promise<{ http: string }>((resolve, reject) => {
      let text = '';
      serve.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('\n')) resolve(JSON.parse(text.split('\n')[0] ?? '{}') as { http: string });
      });
      serve.once('exit', (code) => reject(new Error(`serve exited (${code})`)));
    });
    const base = started.http.replace(/\/$/, '');
    const pid = serve.pid ?? 0;
    // One dashboard follows the fleet live during the run, as an admin would.
    const watcher = await chrome.context.newPage();
    await watcher.goto(`${base}/`);

    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    let failures = 0;
    const sent = new Map<string, number>();
    const cpuBefore = await cpuSeconds(pid);
    const wallBefore = performance.now();
    await Promise.all(
      hosts.map(async (host) => {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 1000));
        const begin = performance.now();
        for (let tick = 0; tick < seconds; tick += 1) {
          const due = begin + tick * 1000;
          await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
          const body = JSON.stringify({
            v: 2, kind: 'phase', id: `${host}-${tick}-bench0000`, host, at: new Date().toISOString(), run: 'be0c0001',
            phase: 'sync-image', status: tick === 0 ? 'started' : 'progress', percent: Math.min(100, (tick * 100) / seconds), bytes: tick * 50_000_000, rate: 50_000_000,
          });
          const t0 = performance.now();
          try {
            const response = await fetch(`${base}/api/v1/hosts/${host}/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(host)}` }, body });
            await response.arrayBuffer();
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            if (response.status === 201) sent.set(host, (sent.get(host) ?? 0) + 1);
          } catch {
            failures += 1;
          }
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const wall = (performance.now() - wallBefore) / 1000;
    const cpu = (await cpuSeconds(pid)) - cpuBefore;
    const rss = await rssMiB(pid);
    await watcher.close();

    let stored = 0;
    let outOfOrder = 0;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const host of hosts) {
      const events = await storedEvents(paths, host);
      stored += events.length;
      if (events.some((event, index) => event.seq !== index + 1 || !event.id.startsWith(`${host}-${index}-`))) outOfOrder += 1;
    }
    const posted = hostCount * seconds;
    console.log(`hosts × seconds           : ${hostCount} × ${seconds} = ${posted} events posted over ${wall.toFixed(1)} s`);
    console.log(`answers                   : ${[...statuses].map(([status, count]) => `${status}×${count}`).join(', ')}${failures > 0 ? `, ${failures} network failures` : ''}`);
    console.log(`stored                    : ${stored} (${posted - stored} lost), hosts out of order: ${outOfOrder}`);
    console.log(`post latency              : median ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`);
    console.log(`serve CPU                 : ${cpu.toFixed(1)} s in ${wall.toFixed(1)} s = ${((cpu / wall) * 100).toFixed(1)} % of one core, ${((cpu / wall / availableParallelism()) * 100).toFixed(1)} % of this ${availableParallelism()}-core machine`);
    console.log(`serve RSS                 : ${rss.toFixed(0)} MiB`);

    const loads: number[] = [];
    let htmlBytes = 0;
    for (let run = 0; run < 5; run += 1) {
      const page = await chrome.context.newPage();
      const t0 = performance.now();
      const response = await page.goto(`${base}/`, { waitUntil: 'load' });
      loads.push(performance.now() - t0);
      htmlBytes = (await response?.body())?.length ?? 0;
      if (run === 0) console.log(`dashboard rows            : ${await page.locator('#hosts tbody tr').count()}`);
      await page.close();
    }
    console.log(`dashboard of ${hostCount} hosts  : ${(htmlBytes / 1024).toFixed(0)} KiB of HTML, rendered (load event) in median ${percentile(loads, 50).toFixed(0)} ms, worst ${Math.max(...loads).toFixed(0)} ms of 5 (under 1 s: ${Math.max(...loads) < 1000 ? 'yes' : 'no'})`);
  } finally {
    await chrome.close();
    serve.kill('SIGTERM');
    await exited;
    await rm(work, { recursive: true, force: true });
  }
};

await main();

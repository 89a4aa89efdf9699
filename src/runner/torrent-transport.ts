import { parseAria2Line } from '../sys/aria2.js';
import { startAuthProxy, type AuthProxy } from '../sys/auth-proxy.js';
import type { MountNamespace } from '../sys/mount-namespace.js';
import { readChildPids } from '../sys/process-children.js';
import type { StreamResult } from '../sys/stream-process.js';
import { formatBytes } from '../text/format.js';
import { rsyncPasswordName } from './command-environment.js';
import { createProgressThrottle } from './progress.js';
import { execPlanned, streamPlanned } from './run-planned.js';
import type { StepRuntime } from './step-runtime.js';
import { aria2ProxyName, type TorrentFetch } from './torrent-fetch.js';

/** What the BitTorrent part of a sync did; the rsync pass runs after it either way. */
export type TorrentOutcome =
  | { kind: 'unpacked'; summary: string; serverBytes: number; peerBytes: number; finish(now: boolean): Promise<string> }
  | { kind: 'fallback'; reason: string };

/** Seconds to wait past the seeding time before aria2c is stopped. */
const seedGraceSeconds = 30;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

const lastLines = (text: string, count = 3): string => text.trim().split('\n').slice(-count).join(' | ');

/**
 * Fetches the payload with aria2c inside the toolbox (seeding while it downloads and for a bounded time after),
 * checks its SHA-256 and unpacks it over the target. Any failure before the unpack is a fallback: the caller's
 * rsync pass then moves the whole image, and says why.
 */
export const fetchByTorrent = async (fetch: TorrentFetch, runtime: StepRuntime, namespace: MountNamespace): Promise<TorrentOutcome> => {
  const { commands } = fetch;
  const removeStaging = async (): Promise<void> => {
    if (commands.removeStaging !== undefined) await execPlanned(runtime, commands.removeStaging, namespace).catch(() => undefined);
  };
  let proxy: AuthProxy | undefined;
  let aria2Pid: number | undefined;
  let exited: Promise<StreamResult> | undefined;
  const stopAria2 = async (): Promise<void> => {
    for (const child of aria2Pid === undefined ? [] : await readChildPids(aria2Pid)) {
      try {
        process.kill(child, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
    await exited?.catch(() => undefined);
  };
  const cleanUp = async (): Promise<void> => {
    await stopAria2();
    await proxy?.close();
    await removeStaging();
  };
  try {
    await execPlanned(runtime, commands.makeStaging, namespace);
    // The install token is rsync's daemon password and the bearer token of serve's payload routes alike.
    const token = runtime.environment[rsyncPasswordName] ?? '';
    proxy = await startAuthProxy({ origins: fetch.origins, paths: fetch.paths, authorization: `Bearer ${token}`, count: (path) => path.endsWith('.tar.zst') });
    const started = runtime.monotonicMs();
    let completedAt: number | undefined;
    let shareRatio = 0;
    let signalDownloaded: () => void = () => undefined;
    const downloaded = new Promise<'downloaded'>((resolve) => (signalDownloaded = () => resolve('downloaded')));
    const throttle = createProgressThrottle(runtime.progressIntervalMs, runtime.monotonicMs);
    exited = streamPlanned({ ...runtime, environment: { ...runtime.environment, [aria2ProxyName]: proxy.url } }, commands.fetch, namespace, {
      onSpawn: (pid) => (aria2Pid = pid),
      onStdoutLine: (line) => {
        const parsed = parseAria2Line(line);
        if (parsed?.kind === 'seeding') {
          shareRatio = parsed.ratio;
          if (completedAt === undefined) {
            completedAt = runtime.monotonicMs();
            signalDownloaded();
          }
        } else if (parsed?.kind === 'progress') {
          const progress = { percent: parsed.percent, bytes: parsed.bytes, rate: parsed.rate };
          if (throttle(progress)) runtime.progress('sync-image', { ...progress, message: `torrent: ${formatBytes(parsed.bytes)} of ${formatBytes(parsed.total)}` });
        }
      },
    });
    const first = await Promise.race([downloaded, exited]);
    // With no seeding time aria2c may finish without printing a seeding line: exit 0 means complete.
    if (first !== 'downloaded' && first.exitCode === 0) completedAt = runtime.monotonicMs();
    else if (first !== 'downloaded') {
      await cleanUp();
      return { kind: 'fallback', reason: `aria2c ended with exit code ${first.exitCode ?? first.signal} before the payload was complete (${lastLines(first.stdout + first.stderr)})` };
    }
    const downloadMs = (completedAt ?? runtime.monotonicMs()) - started;
    const digest = (await execPlanned(runtime, commands.digest, namespace)).stdout.split(/\s/, 1)[0];
    if (digest !== fetch.sha256) {
      await cleanUp();
      return { kind: 'fallback', reason: `the payload's SHA-256 is ${digest ?? 'unknown'}, not ${fetch.sha256} as the server says; it was not unpacked` };
    }
    const serverBytes = proxy.countedBytes();
    const peerBytes = Math.max(0, fetch.bytes - serverBytes);
    const unpackStarted = runtime.monotonicMs();
    const unpacked = await execPlanned(runtime, commands.unpack, namespace);
    const unpackMs = runtime.monotonicMs() - unpackStarted;
    const unpackNote = unpacked.exitCode === 0 ? '' : `; tar reported problems the rsync pass corrects (${lastLines(unpacked.stderr, 2)})`;
    const summary = `torrent: ${fetch.file} (${formatBytes(fetch.bytes)}) in ${seconds(downloadMs)}, ${formatBytes(serverBytes)} from the server's web seed and ${formatBytes(peerBytes)} from peers; sha256 ok; unpacked in ${seconds(unpackMs)}${unpackNote}`;
    runtime.log(summary);
    const running = proxy;
    return {
      kind: 'unpacked',
      summary,
      serverBytes,
      peerBytes,
      finish: async (now) => {
        // Seeding goes on through the rsync pass; then at most the rest of the seeding time.
        const leftMs = now ? 0 : Math.max(0, fetch.seedSeconds * 1000 - (runtime.monotonicMs() - (completedAt ?? 0))) + seedGraceSeconds * 1000;
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), leftMs)));
        const ended = await Promise.race([exited, timedOut]);
        clearTimeout(timer);
        if (ended === 'timeout') await stopAria2();
        await running.close();
        await removeStaging();
        const sent = shareRatio * fetch.bytes;
        return `seeded ${formatBytes(sent)} to peers`;
      },
    };
  } catch (error) {
    await cleanUp();
    return { kind: 'fallback', reason: error instanceof Error ? error.message : String(error) };
  }
};

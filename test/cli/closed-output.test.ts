import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { resolveHomePaths, type HomePaths } from '../../src/home/paths.js';
import type { HostEvent } from '../../src/protocol/host-event.js';
import { openEventStore } from '../../src/state/event-store.js';
import { closedOutputExitStatus } from '../../src/sys/closed-output.js';
import { rootcastBinary } from '../helpers/cli.js';

let counter = 0;
const progress = (percent: number): HostEvent => ({
  v: 2, kind: 'phase', id: `pipe-${process.pid}-${(counter += 1)}`, host: 'web01', at: new Date().toISOString(), run: 'abcdef12', phase: 'sync-image', status: 'progress', percent, bytes: percent * 1e6, rate: 5e6,
});

interface Piped {
  /** rootcast's own exit status (bash's PIPESTATUS[0]). */
  status: number;
  /** What `head -1` printed. */
  first: string;
  /** What rootcast wrote to stderr. */
  stderr: string;
}

/**
 * `rootcast ARGS | head -1` in bash; `whileRunning` runs once head has its line (rootcast may still wait for
 * something to print, as --follow and --watch do). Waits for rootcast to end, at most ~30 s.
 */
const pipeIntoHead = async (work: string, args: readonly string[], whileRunning: () => Promise<void> = async () => undefined): Promise<Piped> => {
  const [out, err] = [join(work, `head-${counter}.out`), join(work, `rootcast-${counter}.err`)];
  counter += 1;
  const quoted = [process.execPath, rootcastBinary, ...args].map((arg) => `'${arg}'`).join(' ');
  const child = spawn('bash', ['-c', `${quoted} 2>'${err}' | head -1 >'${out}'; echo "\${PIPESTATUS[0]}"`], { stdio: ['ignore', 'pipe', 'inherit'] });
  let printed = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (printed += chunk));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  try {
    for (let wait = 0; wait < 300 && (await readFile(out, 'utf8').catch(() => '')) === ''; wait += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    await whileRunning();
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 30_000))]);
    return { status: Number(printed.trim()), first: await readFile(out, 'utf8'), stderr: await readFile(err, 'utf8') };
  } finally {
    child.kill('SIGKILL');
  }
};

// A reader that closes early (head) must end rootcast quietly, as it ends git: no EPIPE stack trace, status 141.
describe('rootcast piped into a reader that stops early (the built binary)', () => {
  let work: string;
  let paths: HomePaths;
  const append = async (percent: number): Promise<void> => {
    const store = openEventStore({ paths, now: () => new Date(), checkpointDelayMs: 10 });
    await store.append('web01', progress(percent));
    await store.close();
  };

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'rootcast-pipe-'));
    paths = resolveHomePaths({ home: join(work, 'home') });
    await mkdir(join(paths.home, 'images', 'web', '1'), { recursive: true });
    await writeFile(join(paths.home, 'rootcast.yaml'), 'server: {url: "http://127.0.0.1:8780"}\nhosts:\n  web01: {image: web}\n  web02: {image: web}\n');
    // Far more than a pipe holds (64 KiB), so rootcast is still writing when head has gone.
    const store = openEventStore({ paths, now: () => new Date(), checkpointDelayMs: 10 });
    for (let index = 0; index < 2000; index += 1) await store.append('web01', progress(index % 100));
    await store.close();
  }, 60_000);

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  test.each([
    ['logs', ['logs', 'web01'], /^# web01: install #1/],
    ['logs --json', ['--json', 'logs', 'web01'], /^\{"v":2,"kind":"phase"/],
    ['logs --follow', ['logs', '--follow', 'web01'], /^# web01: install #1/],
  ])('%s | head -1: head has its line, rootcast ends with 141 and says nothing', async (_name, args, first) => {
    const piped = await pipeIntoHead(work, ['--home', paths.home, ...args]);
    expect(piped.first).toMatch(first);
    expect(piped.stderr).toBe('');
    expect(piped.status).toBe(closedOutputExitStatus);
  });

  test('status --watch --json | head -1: the next change finds the reader gone, and the watch ends quietly', async () => {
    const piped = await pipeIntoHead(work, ['--home', paths.home, '--json', 'status', '--watch', '--interval', '0.2'], () => append(42));
    expect(JSON.parse(piped.first)).toMatchObject({ summary: expect.any(Object), hosts: [expect.objectContaining({ host: 'web01' }), expect.objectContaining({ host: 'web02' })] });
    expect(piped.stderr).toBe('');
    expect(piped.status).toBe(closedOutputExitStatus);
  });
});

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { resolveHomePaths, type HomePaths } from '../../src/home/paths.js';
import type { HostEvent } from '../../src/protocol/host-event.js';
import { openEventStore } from '../../src/state/event-store.js';
import { rootcastBinary } from '../helpers/cli.js';

const run = promisify(execFile);

const inventory = `server: {url: "http://127.0.0.1:8780"}
groups:
  web: {image: web}
hosts:
  web01: {groups: [web]}
  web02: {groups: [web]}
`;

let counter = 0;
const phase = (host: string, name: string, status: string, extra: Record<string, unknown> = {}): HostEvent =>
  ({ v: 1, kind: 'phase', id: `tmux-${process.pid}-${(counter += 1)}`, host, at: '2026-01-02T03:04:05Z', phase: name, status, run: 'abcdef12', ...extra }) as HostEvent;

const until = async (check: () => Promise<boolean>, what: string): Promise<void> => {
  for (let wait = 0; wait < 200; wait += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
};

// A real terminal: tmux runs `status --watch` in a pty; we read its screen as a user would see it.
describe('rootcast status --watch in a terminal (tmux)', () => {
  let home: string;
  let paths: HomePaths;
  const socket = `rootcast-test-${process.pid}`;
  const tmux = (...args: string[]) => run('tmux', ['-L', socket, ...args]);
  const screen = async (): Promise<string> => (await tmux('capture-pane', '-p', '-t', 'watch')).stdout;
  const append = async (host: string, event: HostEvent): Promise<void> => {
    const store = openEventStore({ paths, now: () => new Date(), checkpointDelayMs: 10 });
    await store.append(host, event);
    await store.close();
  };

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'rootcast-tmux-'));
    paths = resolveHomePaths({ home });
    await mkdir(join(home, 'images', 'web', '1'), { recursive: true });
    await writeFile(join(home, 'rootcast.yaml'), inventory);
    await append('web01', phase('web01', 'sync-image', 'started'));
  });

  afterAll(async () => {
    await tmux('kill-server').catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  });

  test('the table redraws in place as events arrive; Ctrl-C ends it with the failure exit status', async () => {
    const exitFile = join(home, 'exit-status');
    const command = `${process.execPath} ${rootcastBinary} --home ${home} status --watch --interval 0.2; echo $? > ${exitFile}; sleep 60`;
    await tmux('new-session', '-d', '-s', 'watch', '-x', '150', '-y', '30', command);
    await until(async () => (await screen()).includes('2 hosts'), 'the first frame');
    expect((await screen()).split('\n')[0]).toMatch(/^HOST\s+IMAGE\s+STATE/);

    await append('web01', phase('web01', 'sync-image', 'progress', { percent: 40, bytes: 40 * 1024 * 1024, rate: 4 * 1024 * 1024 }));
    await until(async () => (await screen()).includes('40% 40.0 MiB'), 'the 40% frame');
    await append('web01', phase('web01', 'sync-image', 'progress', { percent: 90, bytes: 90 * 1024 * 1024, rate: 4 * 1024 * 1024 }));
    await append('web02', phase('web02', 'preflight', 'failed', { message: 'the target is not mounted' }));
    await until(async () => (await screen()).includes('90% 90.0 MiB') && (await screen()).includes('the target is not mounted'), 'the 90% frame');
    const frame = await screen();
    // Drawn over the previous frame, not below it: one header, the old percentage gone, the table at the top.
    expect(frame.match(/^HOST/gm)).toHaveLength(1);
    expect(frame).not.toContain('40% 40.0 MiB');
    expect(frame.split('\n')[0]).toMatch(/^HOST/);
    expect(frame).toMatch(/web02\s+web\s+failed\s+preflight/);
    expect(frame).toContain('2 hosts: 1 installing, 1 failed');

    await tmux('send-keys', '-t', 'watch', 'C-c');
    await until(async () => (await readFile(exitFile, 'utf8').catch(() => '')).trim() !== '', 'the exit status');
    expect((await readFile(exitFile, 'utf8')).trim()).toBe('65');
  });
});

import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { FailedEvent, StoredEvent } from '../../src/protocol/host-event.js';
import { readHostStatus } from '../../src/state/event-read.js';
import { makeBusyboxPath } from '../helpers/installer-scripts.js';
import { buildRunnerBundle } from '../helpers/runner-harness.js';
import { startServeForTests, type ServeForTests } from '../helpers/serve-for-tests.js';

const bootstrap = join(import.meta.dirname, '../../boot/bootstrap.sh');
type StoredFailed = FailedEvent & StoredEvent;

/**
 * Runs bootstrap.sh as the answer files do: `sh bootstrap.sh … >>TARGET/var/log/rootcast/bootstrap.log 2>&1`,
 * with `path` as the whole PATH (the installer's tools).
 */
const runBootstrap = async (target: string, server: string, token: string, env: Record<string, string>, path: string): Promise<number | null> => {
  const log = join(target, 'var/log/rootcast/bootstrap.log');
  await mkdir(join(target, 'var/log/rootcast'), { recursive: true });
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', 'exec sh "$0" "$@" >>"$LOG" 2>&1', bootstrap, '--server', server, '--host', 'web07', '--target', target, '--family', 'debian'], {
      env: { PATH: path, LOG: log, ROOTCAST_TOKEN: token, ...env },
      stdio: 'ignore',
    });
    child.once('close', resolve);
  });
};

/** The bootstrap's failure reports stored since `from`; nc may hang up before serve stored what it sent, so wait (bounded). */
const failuresSince = async (serve: ServeForTests, from: number): Promise<StoredFailed[]> => {
  const failed = async () => (await serve.allEvents('web07')).slice(from).filter((event): event is StoredFailed => event.kind === 'failed');
  for (let wait = 0; wait < 100 && (await failed()).length === 0; wait += 1) await new Promise((resolve) => setTimeout(resolve, 50));
  return failed();
};

// Real sh (dash), curl and busybox against the real serve: the stub that fetches the runner says why it stopped.
describe('boot/bootstrap.sh reports its own failure to serve', () => {
  let scratch: string;
  let busyboxPath: string;
  let brokenNode: ServeForTests;
  let realRunner: ServeForTests;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'rootcast-bootstrap-failure-'));
    // What d-i offers: busybox applets, no curl (its wget cannot POST: the report goes through nc).
    busyboxPath = await makeBusyboxPath(join(scratch, 'busybox-bin'));
    // A node binary this machine cannot run (another architecture's, or one needing a newer glibc).
    const notNode = join(scratch, 'not-node');
    await writeFile(notNode, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0xde, 0xad, 0xbe, 0xef]));
    const host = { name: 'web07', macs: [], ip: '127.0.0.1', imageRef: 'web@1', keepPaths: [] };
    brokenNode = await startServeForTests({ home: join(scratch, 'home-a'), hosts: [host], images: [], files: { bootstrapScript: bootstrap, nodeBinary: notNode, runnerBundle: notNode } });
    await buildRunnerBundle(join(scratch, 'runner.cjs'));
    realRunner = await startServeForTests({ home: join(scratch, 'home-b'), hosts: [host], images: [], files: { bootstrapScript: bootstrap, nodeBinary: process.execPath, runnerBundle: join(scratch, 'runner.cjs') } });
  }, 120_000);

  afterAll(async () => {
    await brokenNode?.stop();
    await realRunner?.stop();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  test.each([
    ['sh and curl', '/usr/bin:/bin'],
    ['busybox sh, wget and nc only', ''],
  ])('%s: a node that does not run is reported as a bootstrap failure with its log lines; the exit status stays 69', async (_name, path) => {
    const target = join(scratch, `target-node-${path === '' ? 'busybox' : 'curl'}`);
    await mkdir(target);
    const from = (await brokenNode.allEvents('web07')).length;
    const status = await runBootstrap(target, brokenNode.url, await brokenNode.token('web07'), { ROOTCAST_NODE_MODE: 'direct', ROOTCAST_WORK_DIR: join(target, 'work') }, path === '' ? busyboxPath : path);
    expect(status).toBe(69);
    const log = await readFile(join(target, 'var/log/rootcast/bootstrap.log'), 'utf8');
    expect(log).toContain('does not run in the installer environment');
    expect(log).not.toContain('could not report');
    const failures = await failuresSince(brokenNode, from);
    expect(failures).toEqual([
      expect.objectContaining({
        v: 2,
        kind: 'failed',
        stage: 'bootstrap',
        exitCode: 69,
        message: 'the server\'s node binary does not run in the installer environment and ROOTCAST_NODE_MODE=direct',
        log: [expect.stringContaining('rootcast bootstrap: the server\'s node binary does not run')],
        from: '127.0.0.1',
      }),
    ]);
    const current = (await readHostStatus(brokenNode.paths, 'web07')).installs[0];
    expect(current).toMatchObject({ state: 'failed', failure: { phase: 'bootstrap', reason: failures[0]?.message } });
  });

  test('the runner exiting non-zero is reported with the runner\'s own output from the log; quotes and backslashes survive', async () => {
    // serve has no image "web": the runner is refused its instructions (66) before it reports anything itself.
    const target = join(scratch, 'target-runner');
    await mkdir(join(target, 'var/log/rootcast'), { recursive: true });
    await writeFile(join(target, 'var/log/rootcast/bootstrap.log'), 'an earlier line with "quotes", a \\backslash and a\ttab\n');
    const from = (await realRunner.allEvents('web07')).length;
    const status = await runBootstrap(target, `${realRunner.url}/`, await realRunner.token('web07'), { ROOTCAST_NODE_MODE: 'direct', ROOTCAST_WORK_DIR: join(target, 'work') }, '/usr/bin:/bin');
    expect(status).toBe(66);
    const stored = (await realRunner.allEvents('web07')).slice(from);
    expect(stored.map((event) => event.kind)).toEqual(['failed']);
    const failures = await failuresSince(realRunner, from);
    expect(failures[0]).toMatchObject({ stage: 'bootstrap', exitCode: 66, message: 'the runner exited with status 66' });
    expect(failures[0]?.log).toEqual([
      'an earlier line with "quotes", a \\backslash and a tab',
      expect.stringMatching(/^rootcast bootstrap: running the runner with node in the installer environment/),
      'rootcast runner: error [NOT_FOUND]: host web07 is set to image "web@1", which cannot be used: image "web" does not exist',
    ]);
    expect((await readHostStatus(realRunner.paths, 'web07')).installs[0]?.failure?.reason).toBe('the runner exited with status 66');
  }, 60_000);
});

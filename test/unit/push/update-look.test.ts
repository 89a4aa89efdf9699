import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { updateLockFile } from '../../../src/protocol/update-protocol.js';
import { planHostPush } from '../../../src/push/push-plan.js';
import { describeTimeout, parseUpdateLook } from '../../../src/push/update-look.js';

const files = { node: { path: '/usr/bin/node', digest: `sha256:${'a'.repeat(64)}` }, runner: { path: '/x/runner.cjs', digest: `sha256:${'b'.repeat(64)}` } };
const settings = { mode: 'push' as const, image: 'web@8', dryRun: false, delete: true, bootloader: true, reboot: false, targetRoot: '', sshUser: 'root', sshPort: 22, concurrency: 32, timeoutSeconds: 600 };

describe('the look at a host after push --timeout', () => {
  const roots: string[] = [];
  afterEach(() => {
    for (const root of roots.splice(0)) {
      rmSync(updateLockFile(root), { force: true });
      rmSync(root, { recursive: true, force: true });
    }
  });
  /** The plan's look command run by sh against a host root with the given marker and lock. */
  const lookAt = (marker: string | undefined, lock: string | undefined): string => {
    const root = mkdtempSync(join(tmpdir(), 'rootcast-look-'));
    roots.push(root);
    mkdirSync(join(root, 'etc/rootcast'), { recursive: true });
    if (marker !== undefined) writeFileSync(join(root, 'etc/rootcast/update-in-progress'), marker);
    // The lock of a root other than / is in this machine's /run, named after the root.
    if (lock !== undefined) {
      mkdirSync(dirname(updateLockFile(root)), { recursive: true });
      writeFileSync(updateLockFile(root), lock);
    }
    const look = planHostPush({ name: 'web07', ip: '10.0.0.7' }, { ...settings, targetRoot: root }, files).lookCommand;
    return execFileSync(look.program, look.args, { encoding: 'utf8' });
  };
  const web07 = { host: 'web07', seconds: 30, lockFile: '/run/rootcast/update.lock' };
  const marker = `${JSON.stringify({ ref: 'web@8', from: 'web@7', via: 'push', since: '2026-01-01T00:00:00Z' })}\n`;

  test('a live lock holder is a running update; a dead one with the marker an unfinished one; neither, idle', () => {
    expect(parseUpdateLook(lookAt(marker, `${process.pid} abc\n`))).toEqual({ kind: 'running', pid: process.pid, ref: 'web@8' });
    // A PID no process has (above the kernel's pid_max).
    expect(parseUpdateLook(lookAt(marker, '99999999 abc\n'))).toEqual({ kind: 'unfinished', ref: 'web@8' });
    expect(parseUpdateLook(lookAt(undefined, undefined))).toEqual({ kind: 'idle' });
    // A lock that holds no PID is no running update; a marker that is not JSON still counts.
    expect(parseUpdateLook(lookAt('not json', '$(touch x) 1\n'))).toEqual({ kind: 'unfinished', ref: undefined });
  });

  test('the message says what push was doing, what the look found and where to look next', () => {
    expect(describeTimeout(web07, 'before-update', undefined)).toBe('no result within --timeout 30 s while connecting and checking the runner on web07: the update was not started; re-run push');
    expect(describeTimeout(web07, 'dry-run', undefined)).toMatch(/from the dry run on web07 \(a dry run changes nothing\)/);
    expect(describeTimeout(web07, 'updating', { kind: 'running', pid: 42, ref: 'web@8' })).toBe(
      'no result within --timeout 30 s: the update to web@8 is still running on web07 (PID 42 holds /run/rootcast/update.lock) and goes on without push; see rootcast host show web07 (serve records the update\'s events), or re-run push once it has ended (while it runs, a second update is refused with LOCKED)',
    );
    expect(describeTimeout(web07, 'updating', { kind: 'unfinished', ref: 'web@8' })).toMatch(/the update to web@8 on web07 stopped before it finished .*re-run push to finish it/);
    expect(describeTimeout(web07, 'updating', { kind: 'idle' })).toMatch(/no update runs on web07 and none is unfinished/);
    expect(describeTimeout(web07, 'updating', { kind: 'unknown', reason: 'no answer within 10 s' })).toMatch(/may still be running on web07 \(a look at the host failed: no answer within 10 s\); see rootcast host show web07/);
  });
});

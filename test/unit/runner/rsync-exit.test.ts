import { describe, expect, test } from 'vitest';
import { classifyRsyncExit } from '../../../src/runner/rsync-exit.js';
import { rsyncOkExitCodes } from '../../../src/runner/plan-commands.js';
import type { StreamResult } from '../../../src/sys/stream-process.js';
import type { RootcastError } from '../../../src/errors/rootcast-error.js';

const result = (exitCode: number | null, stderr = '', signal: NodeJS.Signals | null = null): StreamResult => ({
  exitCode,
  signal,
  stderr,
  stdout: '',
  commandLine: 'rsync ...',
});
const codeOf = (outcome: ReturnType<typeof classifyRsyncExit>): string =>
  outcome.kind === 'fatal' ? (outcome.error as RootcastError).code : outcome.kind;

// What the plan allows for every rsync it runs against the daemon.
const ok = rsyncOkExitCodes;

describe('classifyRsyncExit', () => {
  test('0 and 24 (vanished on the sender) are done', () => {
    expect(classifyRsyncExit(result(0), 'image web@3', ok).kind).toBe('done');
    expect(classifyRsyncExit(result(24, 'file has vanished: "/x"'), 'image web@3', ok).kind).toBe('done');
  });

  test.each([10, 12, 30, 35])('exit %i is transient (network)', (code) => {
    expect(classifyRsyncExit(result(code, 'rsync: connection unexpectedly closed'), 'image web@3', ok)).toMatchObject({ kind: 'transient', reason: expect.stringContaining(`exit ${code}`) });
  });

  test('a connection closed during the daemon handshake (exit 5, no @ERROR: serve restarting) is transient, not a refused token', () => {
    for (const line of ['rsync: did not see server greeting', 'rsync: didn\'t get server startup line']) {
      expect(classifyRsyncExit(result(5, `${line}\nrsync error: error starting client-server protocol (code 5) at main.c(1954) [Receiver=3.5.0]\n`), 'image web@3', ok)).toEqual({ kind: 'transient', reason: 'the image server closed the connection during the handshake' });
    }
    expect(codeOf(classifyRsyncExit(result(5, 'rsync error: error starting client-server protocol (code 5)'), 'image web@3', ok))).toBe('AUTH_FAILED');
  });

  test('a pull the stall watchdog killed is transient (not INTERRUPTED, though a signal ended it)', () => {
    const stalled: StreamResult = { ...result(null, '', 'SIGKILL'), stalledMs: 90_000 };
    expect(classifyRsyncExit(stalled, 'image web@3', ok)).toEqual({ kind: 'transient', reason: 'no progress for 90 s: the transfer stalled (killed it)' });
    expect(codeOf(classifyRsyncExit(result(null, '', 'SIGKILL'), 'image web@3', ok))).toBe('INTERRUPTED');
  });

  test('auth failure, unknown module and access denied are fatal with their own codes', () => {
    expect(codeOf(classifyRsyncExit(result(5, '@ERROR: auth failed on module img.web.3'), 'image web@3', ok))).toBe('AUTH_FAILED');
    expect(codeOf(classifyRsyncExit(result(5, '@ERROR: Unknown module \'img.web.9\''), 'image web@9', ok))).toBe('NOT_FOUND');
    expect(codeOf(classifyRsyncExit(result(5, '@ERROR: access denied to img.web.3 from x (10.0.0.9)'), 'image web@3', ok))).toBe('PERMISSION');
  });

  test('a partial transfer (23) is fatal: no space has its own code, others show the stderr', () => {
    expect(codeOf(classifyRsyncExit(result(23, 'write failed on "/target/x": No space left on device (28)'), 'image', ok))).toBe('NO_SPACE');
    const other = classifyRsyncExit(result(23, 'rsync: [receiver] rsync_xal_set: lsetxattr("/target/etc/x","security.ima") failed: Operation not supported (95)'), 'image', ok);
    expect(codeOf(other)).toBe('SUBPROCESS_FAILED');
    expect(other.kind === 'fatal' && (other.error as RootcastError).details.join('\n')).toContain('Operation not supported');
  });

  // rsync 3.2.7's lines for an immutable /etc/passwd and /usr/lib/libx.so under --delay-updates (measured).
  const immutable = [
    'rsync: [receiver] rename failed for "/srv/h/etc/passwd" (from etc/.~tmp~/passwd): Operation not permitted (1)',
    'rsync: [generator] delete_file: unlink(usr/lib/libx.so) failed: Operation not permitted (1)',
    'rsync error: some files/attrs were not transferred (see previous errors) (code 23) at main.c(1347) [sender=3.2.7]',
  ].join('\n');

  test('23 for paths the host refuses (immutable, read-only): PERMISSION naming them, an update\'s three ways out', () => {
    const update = classifyRsyncExit(result(23, immutable), 'web@2', ok, { credential: 'host credential', destination: '/srv/h/' });
    expect(codeOf(update)).toBe('PERMISSION');
    const error = (update.kind === 'fatal' ? update.error : undefined) as RootcastError;
    expect(error.exitStatus).toBe(77);
    expect(error.message).toBe('rsync for web@2 could not write 2 paths on this host: /etc/passwd (Operation not permitted), /usr/lib/libx.so (Operation not permitted)');
    expect(error.hint).toMatch(/chattr -i PATH.*remount,rw.*\/etc\/rootcast\/update\.exclude.*rootcast update --rollback/);
    expect(error.details.join('\n')).toContain('rename failed for');
    // The install runner: the target's paths, and a runner's way out (no update.exclude, no rollback).
    const install = classifyRsyncExit(result(23, 'rsync: [receiver] mkstemp "/target/usr/.ls.jH7IVT" failed: Read-only file system (30)'), 'image web@2', ok, { destination: '/target' });
    const installError = (install.kind === 'fatal' ? install.error : undefined) as RootcastError;
    expect([installError.code, installError.message]).toEqual(['PERMISSION', 'rsync for image web@2 could not write 1 path on the target: /usr/ls (Read-only file system)']);
    expect(installError.hint).toMatch(/re-run the runner/);
    expect(installError.hint).not.toMatch(/rollback|update\.exclude/);
  });

  test('20 from the server side (serve restarting) is transient; our own 20 (we were interrupted) is not', () => {
    expect(classifyRsyncExit(result(20, 'rsync error: received SIGINT, SIGTERM, or SIGHUP (code 20) at io.c(586) [sender=3.2.7]'), 'image web@3', ok)).toMatchObject({ kind: 'transient' });
    expect(codeOf(classifyRsyncExit(result(20, 'rsync error: received SIGINT, SIGTERM, or SIGHUP (code 20) at rsync.c(713) [Receiver=3.2.7]'), 'image web@3', ok))).toBe('SUBPROCESS_FAILED');
  });

  test('a full daemon (max connections reached, exit 5) is transient, not an auth failure', () => {
    expect(classifyRsyncExit(result(5, '@ERROR: max connections (16) reached -- try again later'), 'image web@3', ok)).toMatchObject({ kind: 'transient' });
  });

  test('a killed rsync is an interruption (re-run converges), not a retry', () => {
    expect(codeOf(classifyRsyncExit(result(null, '', 'SIGKILL'), 'image', ok))).toBe('INTERRUPTED');
  });
});

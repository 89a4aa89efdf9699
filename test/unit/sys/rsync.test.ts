import { describe, expect, test } from 'vitest';
import { SubprocessError } from '../../../src/sys/exec.js';
import { buildDieWithParentCommand } from '../../../src/sys/die-with-parent.js';
import { buildRsyncArgs } from '../../../src/sys/rsync.js';
import { describeRsyncFailure } from '../../../src/sys/rsync-failure.js';
import { parseRsyncStats } from '../../../src/sys/rsync-stats.js';
import { buildSshArgs, formatRsyncShellCommand } from '../../../src/sys/ssh-options.js';

describe('rsync adapter', () => {
  test('rsync runs under setpriv --pdeathsig KILL, so it cannot outlive rootcast', () => {
    expect(buildDieWithParentCommand('rsync', ['-a', 'x/', 'y/'])).toEqual({ command: 'setpriv', args: ['--pdeathsig', 'KILL', '--', 'rsync', '-a', 'x/', 'y/'] });
  });

  test('builds a faithful, one-filesystem argv with absolute link-dest bases and a verified ssh', () => {
    const args = buildRsyncArgs({
      sources: ['root@golden:/'],
      destination: '/store/images/web/.staging/1-a/root/',
      includes: ['/etc/hostname'],
      excludes: ['/tmp/*'],
      linkDest: ['/store/images/web/2/root', '/store/images/web/.staging/9-b/root'],
      remoteShell: buildSshArgs({ port: 2222, knownHostsFile: '/k/known hosts', identityFile: '/k/id' }),
    });
    expect(args.slice(0, 5)).toEqual(['-aHAXS', '--numeric-ids', '--delete', '-x', '--stats']);
    expect(args).toContain('--link-dest=/store/images/web/2/root');
    expect(args.indexOf('--include=/etc/hostname')).toBeLessThan(args.indexOf('--exclude=/tmp/*'));
    expect(args.slice(-3)).toEqual(['--', 'root@golden:/', '/store/images/web/.staging/1-a/root/']);
    const shell = args[args.indexOf('-e') + 1];
    expect(shell).toContain('-o StrictHostKeyChecking=yes');
    expect(shell).toContain('-o BatchMode=yes');
    expect(shell).toContain('"UserKnownHostsFile=/k/known hosts"');
    expect(shell).toContain('-p 2222 -i /k/id -o IdentitiesOnly=yes');
  });

  test('adds progress, --relative and itemized dry runs only when asked; caps link-dest at 20', () => {
    const base = { sources: ['/src/'], destination: '/dst/', includes: [], excludes: [], linkDest: Array.from({ length: 25 }, (_, i) => `/v/${i}`) };
    const plain = buildRsyncArgs(base);
    expect(plain.filter((arg) => arg.startsWith('--link-dest=')).length).toBe(20);
    expect(plain.some((arg) => arg.startsWith('--info') || arg === '--relative' || arg === '--dry-run')).toBe(false);
    expect(buildRsyncArgs({ ...base, progress: true, relative: true, dryRun: true })).toEqual(expect.arrayContaining(['--info=progress2', '--relative', '--dry-run', '--out-format=%i %n']));
    expect(plain).toContain('--delete');
    expect(plain.some((arg) => arg.startsWith('--out-format') || arg.startsWith('--files-from') || arg.startsWith('--modify-window'))).toBe(false);
    expect(buildRsyncArgs({ ...base, itemize: true, delete: false, filesFromStdin: true, nanosecondMtimes: true })).toEqual(
      expect.arrayContaining(['--out-format=%i %n', '--files-from=-', '--from0', '--modify-window=-1']),
    );
    expect(buildRsyncArgs({ ...base, delete: false })).not.toContain('--delete');
  });

  test('quotes -e words the way rsync splits them (double quotes, "" for a quote)', () => {
    expect(formatRsyncShellCommand(['ssh', '-o', 'UserKnownHostsFile=/a b/"k"', "it's"])).toBe('ssh -o "UserKnownHostsFile=/a b/""k""" "it\'s"');
  });

  test('reads --stats, with or without digit separators', () => {
    const stdout = `\nNumber of files: 6,812 (reg: 5,401, dir: 900, link: 511)\nNumber of created files: 3\nNumber of regular files transferred: 3\nTotal file size: 206,123,456 bytes\nTotal transferred file size: 1234567 bytes\n`;
    expect(parseRsyncStats(stdout)).toEqual({ files: 6812, regularFiles: 5401, transferredFiles: 3, totalSizeBytes: 206123456, transferredSizeBytes: 1234567 });
    expect(parseRsyncStats('').files).toBe(0);
  });

  const failure = (exitCode: number, stderr: string) =>
    describeRsyncFailure(new SubprocessError({ exitCode, stderr, stdout: '', commandLine: 'rsync -aHAXS ...' }), 'root@golden:22');

  test.each([
    [255, 'ssh: connect to host golden port 22: Connection refused\nrsync: connection unexpectedly closed', 'UNREACHABLE', 69],
    [255, 'root@golden: Permission denied (publickey).', 'AUTH_FAILED', 77],
    [255, '@@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@\nHost key verification failed.', 'HOST_KEY_MISMATCH', 77],
    [255, 'No ED25519 host key is known for [golden]:22 and you have requested strict checking.\nHost key verification failed.', 'HOST_KEY_UNKNOWN', 77],
    [12, 'bash: line 1: rsync: command not found\nrsync: connection unexpectedly closed (0 bytes received so far)', 'REMOTE_TOOL_MISSING', 69],
    [11, 'rsync: [receiver] write failed on "/x": No space left on device (28)', 'NO_SPACE', 75],
    [23, 'rsync: [sender] send_files failed to open "/etc/shadow": Permission denied (13)', 'PERMISSION', 77],
    [20, 'rsync error: received SIGINT, SIGTERM, or SIGHUP (code 20)', 'INTERRUPTED', 75],
    [23, 'rsync: some odd failure', 'SUBPROCESS_FAILED', 70],
    [127, 'setpriv: failed to execute rsync: No such file or directory', 'UNAVAILABLE', 69],
  ])('exit %i with %j → %s (%i)', (exitCode, stderr, code, status) => {
    const error = failure(exitCode, stderr);
    expect(error.code).toBe(code);
    expect(error.exitStatus).toBe(status);
    expect(error.details).toContain('command: rsync -aHAXS ...');
  });

  test('exit 255 with nothing but rsync\'s own lines: the server closed the session, and the hint says where to look', () => {
    const error = failure(255, 'rsync: connection unexpectedly closed (0 bytes received so far) [Receiver]\nrsync error: unexplained error (code 255) at io.c(285) [Receiver=3.5.0]');
    expect(error.code).toBe('UNREACHABLE');
    expect(error.message).toBe('the SSH session to root@golden:22 was closed (ssh exit 255)');
    expect(error.hint).toContain("sshd's log on the golden client says why");
    expect(error.hint).toContain('"ssh root@golden true"');
    expect(error.details).toContain('exit code: 255');
    const other = describeRsyncFailure(new SubprocessError({ exitCode: 255, stderr: '', stdout: '', commandLine: 'rsync' }), 'root@[::1]:2222');
    expect(other.hint).toContain('"ssh -p 2222 root@::1 true"');
    // The remote rsync dying mid-transfer is not ssh's 255.
    expect(failure(12, 'rsync: connection unexpectedly closed (1234 bytes received so far) [Receiver]').message).toBe('the SSH connection to root@golden:22 failed');
  });
});

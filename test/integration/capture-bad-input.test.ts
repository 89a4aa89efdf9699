import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runInProcess } from '../helpers/cli.js';
import { snapshotTree } from '../helpers/tree-snapshot.js';
import { buildMinimalRoot, goldenClientPrograms } from '../helpers/minimal-root.js';
import { makeChrootDir, startSshd, type TestSshd } from '../helpers/sshd.js';

const capture = (args: string[]) => runInProcess(args);

const closedPort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address() as { port: number };
      server.close(() => resolve(address.port));
    });
  });

describe('capture refuses bad input with a clear error, the right status, and an unchanged store', () => {
  let scratch: string;
  let home: string;
  let source: string;
  let root: string;
  let noRsyncRoot: string;
  let sshd: TestSshd;
  let noRsyncSshd: TestSshd;
  let refusedRoot: string;
  let refusingSshd: TestSshd;
  let wrongKey: string;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'rootcast-bad-'));
    home = join(scratch, 'home');
    source = join(scratch, 'source');
    mkdirSync(join(source, 'etc'), { recursive: true });
    writeFileSync(join(source, 'etc/os-release'), 'ID=testos\n');
    // A store with content, so "unchanged" means something.
    expect((await capture(['--home', home, 'capture', '--from-dir', source, '--image', 'web'])).status).toBe(0);
    root = makeChrootDir();
    buildMinimalRoot(root, goldenClientPrograms());
    noRsyncRoot = makeChrootDir();
    buildMinimalRoot(noRsyncRoot, goldenClientPrograms().filter((program) => program !== 'rsync'));
    // Under the world-writable /tmp: sshd accepts the login, then refuses this ChrootDirectory and closes the session.
    refusedRoot = mkdtempSync(join(tmpdir(), 'rootcast-refused-chroot-'));
    buildMinimalRoot(refusedRoot, goldenClientPrograms());
    [sshd, noRsyncSshd, refusingSshd] = await Promise.all([startSshd(root), startSshd(noRsyncRoot), startSshd(refusedRoot)]);
    wrongKey = join(scratch, 'wrong_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', wrongKey]);
  });
  afterAll(async () => {
    await sshd?.stop();
    await noRsyncSshd?.stop();
    await refusingSshd?.stop();
    for (const dir of [root, noRsyncRoot, refusedRoot, scratch]) if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const expectRefused = async (args: string[], status: number, code: string, text?: RegExp): Promise<string> => {
    const before = snapshotTree(scratch, { directoryTimes: false });
    const result = await capture(['--home', home, 'capture', ...args]);
    expect(result.stderr).toContain(`[${code}]`);
    if (text !== undefined) expect(result.stderr).toMatch(text);
    expect(result.status).toBe(status);
    expect(result.stdout).toBe('');
    expect(snapshotTree(scratch, { directoryTimes: false })).toEqual(before);
    return result.stderr;
  };

  const knownHostsFor = (server: TestSshd, name: string): string => {
    const file = join(scratch, name);
    writeFileSync(file, `${server.hostKeyLine}\n`);
    return file;
  };

  test('an unreachable host → 69 UNREACHABLE (known and unknown host key)', async () => {
    const port = await closedPort();
    const knownHosts = join(scratch, 'unreachable-known_hosts');
    writeFileSync(knownHosts, `[127.0.0.1]:${port} ${sshd.hostKeyLine.split(' ').slice(1).join(' ')}\n`);
    await expectRefused([`root@127.0.0.1:${port}`, '--image', 'web', '--ssh-key', sshd.clientKeyPath, '--known-hosts', knownHosts], 69, 'UNREACHABLE');
    await expectRefused([`root@127.0.0.1:${port}`, '--image', 'web', '--ssh-key', sshd.clientKeyPath, '--known-hosts', join(scratch, 'none'), '--accept-new-host-key'], 69, 'UNREACHABLE');
  });

  test('a wrong SSH key → 77 AUTH_FAILED', async () => {
    const knownHosts = knownHostsFor(sshd, 'auth-known_hosts');
    await expectRefused([`root@127.0.0.1:${sshd.port}`, '--image', 'web', '--ssh-key', wrongKey, '--known-hosts', knownHosts], 77, 'AUTH_FAILED', /--ssh-key/);
  });

  test('an unknown host with --accept-new-host-key and a wrong SSH key → 77, and known_hosts keeps its bytes', async () => {
    const knownHosts = join(scratch, 'tofu-auth-known_hosts');
    writeFileSync(knownHosts, '# kept, no newline at the end');
    const bytes = readFileSync(knownHosts);
    await expectRefused([`root@127.0.0.1:${sshd.port}`, '--image', 'web', '--ssh-key', wrongKey, '--known-hosts', knownHosts, '--accept-new-host-key'], 77, 'AUTH_FAILED');
    expect(readFileSync(knownHosts).equals(bytes)).toBe(true);
    rmSync(knownHosts);
  });

  test('a missing --ssh-key file → 66 NOT_FOUND', async () => {
    await expectRefused([`root@127.0.0.1:${sshd.port}`, '--image', 'web', '--ssh-key', join(scratch, 'nope'), '--known-hosts', knownHostsFor(sshd, 'k1')], 66, 'NOT_FOUND');
  });

  test('no rsync on the golden client → 69 REMOTE_TOOL_MISSING, before or during the transfer', async () => {
    const knownHosts = knownHostsFor(noRsyncSshd, 'norsync-known_hosts');
    const args = [`root@127.0.0.1:${noRsyncSshd.port}`, '--image', 'web', '--ssh-key', noRsyncSshd.clientKeyPath];
    await expectRefused([...args, '--known-hosts', knownHosts], 69, 'REMOTE_TOOL_MISSING', /install rsync/);
    rmSync(knownHosts);
    // Unknown host: inspection runs first and stops before any transfer; the key is not recorded for a capture that failed.
    await expectRefused([...args, '--known-hosts', knownHosts, '--accept-new-host-key'], 69, 'REMOTE_TOOL_MISSING');
    expect(existsSync(knownHosts)).toBe(false);
  });

  test('a session the server closes after login (sshd refuses its ChrootDirectory) → 69 UNREACHABLE saying so, not "needs a POSIX sh"', async () => {
    const knownHosts = knownHostsFor(refusingSshd, 'refusing-known_hosts');
    const stderr = await expectRefused([`root@127.0.0.1:${refusingSshd.port}`, '--image', 'web', '--ssh-key', refusingSshd.clientKeyPath, '--known-hosts', knownHosts], 69, 'UNREACHABLE');
    expect(refusingSshd.log()).toMatch(/bad ownership or modes for chroot directory/);
    expect(stderr).toContain(`cannot inspect root@127.0.0.1:${refusingSshd.port}: the SSH session was closed before the inspection script ran (exit 255)`);
    expect(stderr).toContain('  stderr: (empty)');
    expect(stderr).toContain(`hint: the server or the network closed the SSH session: sshd's log on the golden client says why`);
    expect(stderr).toContain(`"ssh -p ${refusingSshd.port} root@127.0.0.1 true"`);
    expect(stderr).not.toContain('POSIX sh');
  });

  test.each([['../x'], ['a/b'], ['Web'], ['']])('image name %j → 64', async (name) => {
    await expectRefused(['--from-dir', source, '--image', name], 64, 'USAGE');
  });

  test.each([['root@'], ['root@host:99999'], ['root@host:/etc'], ['bad host'], ['root@[::1'], ['ro ot@host']])('source spec %j → 64', async (spec) => {
    await expectRefused([spec, '--image', 'web'], 64, 'USAGE');
  });

  test('both a source and --from-dir, or neither → 64', async () => {
    await expectRefused(['root@golden', '--from-dir', source, '--image', 'web'], 64, 'USAGE');
    await expectRefused(['--image', 'web'], 64, 'USAGE');
  });

  test('--from-dir that does not exist → 66, that is a file → 64', async () => {
    await expectRefused(['--from-dir', join(scratch, 'missing'), '--image', 'web'], 66, 'NOT_FOUND');
    await expectRefused(['--from-dir', join(source, 'etc/os-release'), '--image', 'web'], 64, 'USAGE', /not a directory/);
  });

  test('--settle that is not a whole number from 0 to 10 → 64 naming the value', async () => {
    for (const bad of ['-1', 'x', '2.5', '11']) {
      await expectRefused(['--from-dir', source, '--image', 'web', '--settle', bad], 64, 'USAGE', new RegExp(`--settle "${bad.replace('.', '\\.')}" is not a whole number`));
    }
  });

  test('a bad --exclude-file: missing → 66, a directory → 64, bad lines → 65 with file:line', async () => {
    await expectRefused(['--from-dir', source, '--image', 'web', '--exclude-file', join(scratch, 'nope')], 66, 'NOT_FOUND');
    await expectRefused(['--from-dir', source, '--image', 'web', '--exclude-file', source], 64, 'USAGE');
    const bad = join(scratch, 'bad-excludes');
    writeFileSync(bad, '# fine\n/var/log/*\n- /etc/foo\nok\x00no\n');
    const stderr = await expectRefused(['--from-dir', source, '--image', 'web', '--exclude-file', bad], 65, 'INVALID_DATA');
    expect(stderr).toContain(`${bad}:3:`);
    expect(stderr).toContain(`${bad}:4:`);
    rmSync(bad);
  });

  test('a full disk → 75 NO_SPACE, and the (tiny) store is left as it was', async () => {
    const small = mkdtempSync(join(tmpdir(), 'rootcast-full-'));
    // mode=0700: a fresh tmpfs is 1777, and rootcast refuses a home other users can write.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'tmpfs', small]);
    try {
      const big = join(scratch, 'big');
      mkdirSync(big);
      for (let index = 0; index < 8; index += 1) writeFileSync(join(big, `blob-${index}`), randomBytes(1024 * 1024));
      const result = await capture(['--home', small, 'capture', '--from-dir', big, '--image', 'web']);
      rmSync(big, { recursive: true });
      expect(result.stderr).toContain('[NO_SPACE]');
      expect(result.status).toBe(75);
      expect(readdirSync(small)).toEqual([]);
    } finally {
      execFileSync('umount', [small]);
      rmSync(small, { recursive: true, force: true });
    }
  });
});

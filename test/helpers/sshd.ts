import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from '../../src/sys/free-port.js';

/** A real OpenSSH server on 127.0.0.1 whose root login is chrooted into a fixture root (a faithful golden client). */
export interface TestSshd {
  port: number;
  /** `[127.0.0.1]:PORT ssh-ed25519 AAAA...`, ready for a known_hosts file. */
  hostKeyLine: string;
  /** Private key authorized for root. */
  clientKeyPath: string;
  /** The ChrootDirectory: "/" of the golden client. */
  root: string;
  /** Private files of this server (config, keys, log). */
  dir: string;
  /** Everything sshd logged so far (its -E log file). */
  log(): string;
  stop(): Promise<void>;
}

/** Parent of chroot roots: sshd demands root-owned, non-writable components all the way up (not /tmp). */
export const chrootParent = '/var/cache/rootcast-test/chroots';

/** A fresh directory that sshd accepts as ChrootDirectory; remove it with rmSync when done. */
export const makeChrootDir = (): string => {
  mkdirSync(chrootParent, { recursive: true, mode: 0o755 });
  return mkdtempSync(join(chrootParent, 'root-'));
};

const answersSsh = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(1000);
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('SSH-'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const sshdConfig = (dir: string, root: string, port: number): string =>
  [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_ed25519')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'UseDNS no',
    'LogLevel VERBOSE',
    `ChrootDirectory ${root}`,
    'MaxStartups 50',
    'MaxSessions 50',
    '',
  ].join('\n');

const stopProcess = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(3000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
};

export interface SshdOptions {
  /** Where config, keys and logs go; kept by stop() (the demo prints commands that use them). @default a fresh directory removed by stop() */
  dir?: string;
}

/**
 * Starts `sshd -D -e` on an ephemeral loopback port with its own host key and one authorized
 * key for root, chrooted into `root` (which must already hold sh and rsync: buildMinimalRoot).
 */
export const startSshd = async (root: string, options: SshdOptions = {}): Promise<TestSshd> => {
  if (options.dir !== undefined) mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  const dir = options.dir ?? mkdtempSync(join(chrootParent, '..', 'sshd-'));
  const removeDir = (): void => {
    if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
  };
  // Without a real /dev/null, every `2>/dev/null` in the chroot would create a regular file there.
  mkdirSync(join(root, 'dev'), { recursive: true });
  if (!existsSync(join(root, 'dev/null'))) execFileSync('mknod', ['-m', '666', join(root, 'dev/null'), 'c', '1', '3']);
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'rootcast-test-host', '-f', join(dir, 'host_ed25519')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'rootcast-test-client', '-f', join(dir, 'client_ed25519')]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_ed25519.pub')), { mode: 0o600 });
  const hostPublic = readFileSync(join(dir, 'host_ed25519.pub'), 'utf8').trim().split(/\s+/);
  let lastLog = '';
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const port = await freePort();
    const config = join(dir, 'sshd_config');
    writeFileSync(config, sshdConfig(dir, root, port));
    execFileSync('/usr/sbin/sshd', ['-t', '-f', config]);
    // A log file, not a pipe: a caller blocking its event loop (spawnSync in a benchmark) would stop draining
    // a pipe, and sshd would block mid-session once the pipe's buffer filled.
    const logFile = join(dir, `sshd-${attempt}.log`);
    const log = (): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
    const child = spawn('/usr/sbin/sshd', ['-D', '-E', logFile, '-f', config], { stdio: 'ignore' });
    for (let wait = 0; wait < 50 && child.exitCode === null; wait += 1) {
      if (await answersSsh(port)) {
        return {
          port,
          hostKeyLine: `[127.0.0.1]:${port} ${hostPublic[0]} ${hostPublic[1]}`,
          clientKeyPath: join(dir, 'client_ed25519'),
          root,
          dir,
          log,
          stop: async () => {
            await stopProcess(child);
            removeDir();
          },
        };
      }
      await sleep(100);
    }
    await stopProcess(child);
    lastLog = log();
    // Another process may have taken the port between our probe and sshd's bind: try a new one.
    if (!/Address already in use/.test(lastLog)) break;
  }
  removeDir();
  throw new Error(`sshd did not start:\n${lastLog}`);
};

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

const sshdConfig = (dir: string, root: string | undefined, port: number, listen = '127.0.0.1'): string =>
  [
    `Port ${port}`,
    `ListenAddress ${listen}`,
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
    ...(root === undefined ? ['Subsystem sftp internal-sftp'] : [`ChrootDirectory ${root}`]),
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

/** An sshd in a test network namespace: a whole machine's login (no chroot, SFTP on), listening on its address, port 22. */
export interface NamespacedSshd {
  namespace: string;
  address: string;
  /** `ADDRESS ssh-ed25519 AAAA...` for a known_hosts file. */
  hostKeyLine: string;
  dir: string;
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts sshd inside `namespace` (spawned by the network's `ip netns exec`), authorizing `clientKeyPath`'s
 * public half for root. Readiness comes from its log ("Server listening"): the root namespace never dials it.
 */
export const startNamespacedSshd = async (
  spawnIn: (namespace: string, command: string, args: readonly string[], options: { stdio: 'ignore' }) => ChildProcess,
  namespace: string,
  address: string,
  clientPublicKey: string,
): Promise<NamespacedSshd> => {
  mkdirSync(chrootParent, { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(chrootParent, '..', 'nssshd-'));
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `rootcast-test-${namespace}`, '-f', join(dir, 'host_ed25519')]);
  writeFileSync(join(dir, 'authorized_keys'), clientPublicKey, { mode: 0o600 });
  const config = join(dir, 'sshd_config');
  writeFileSync(config, sshdConfig(dir, undefined, 22, address));
  execFileSync('/usr/sbin/sshd', ['-t', '-f', config]);
  const logFile = join(dir, 'sshd.log');
  const log = (): string => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
  const child = spawnIn(namespace, '/usr/sbin/sshd', ['-D', '-E', logFile, '-f', config], { stdio: 'ignore' });
  const stop = async (): Promise<void> => {
    await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
  };
  for (let wait = 0; wait < 100 && !/Server listening on/.test(log()); wait += 1) {
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  if (!/Server listening on/.test(log())) {
    const text = log();
    await stop();
    throw new Error(`sshd in ${namespace} did not start:\n${text}`);
  }
  const hostPublic = readFileSync(join(dir, 'host_ed25519.pub'), 'utf8').trim().split(/\s+/);
  return { namespace, address, hostKeyLine: `${address} ${hostPublic[0]} ${hostPublic[1]}`, dir, log, stop };
};

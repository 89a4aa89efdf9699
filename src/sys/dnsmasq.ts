import { spawn, type ChildProcess } from 'node:child_process';
import { RootcastError } from '../errors/rootcast-error.js';
import { formatCommandLine } from './command-line.js';
import { buildDieWithParentCommand } from './die-with-parent.js';
import { programMissingError } from './program-missing.js';

export interface DnsmasqSpec {
  configFile: string;
  /** @default "dnsmasq" */
  command?: string;
  /** Every line dnsmasq logs (leases, boot files handed out), and supervision messages. */
  log: (line: string) => void;
  /** Wait before restarting a dnsmasq that died. @default 2000 */
  restartDelayMs?: number;
  /** Give up waiting for "started" after this long. @default 15000 */
  startTimeoutMs?: number;
}

export interface SupervisedDnsmasq {
  pid(): number | undefined;
  /** SIGTERM, and resolves once it exited; no restart after. */
  stop(): Promise<void>;
}

/**
 * dnsmasq in the foreground with only our config (not /etc/dnsmasq.conf), logging to stderr, no pid
 * file, as root so it can write the lease file in serve's private run directory; under
 * `--pdeathsig` so a killed serve never leaves a DHCP server behind.
 */
export const dnsmasqCommand = (configFile: string, command = 'dnsmasq'): { command: string; args: string[] } =>
  buildDieWithParentCommand(command, ['--keep-in-foreground', `--conf-file=${configFile}`, '--log-facility=-', '--pid-file', '--user=root', '--group=root']);

/** Its own config check (`dnsmasq --test`): argv as data. */
export const dnsmasqTestArgs = (configFile: string): string[] => ['--test', `--conf-file=${configFile}`];

const lastLines = (text: string): string => text.trim().split('\n').slice(-4).join(' / ');

/** Explains the failures an admin can fix, from what dnsmasq said before it exited. */
const startFailure = (output: string, code: number | null, commandLine: string): RootcastError => {
  const hint = /Address already in use/.test(output)
    ? 'another DHCP server holds port 67 on this machine (dnsmasq, dhcpd, kea, systemd-networkd...): stop it, or use pxe.mode: proxy beside it... proxy-DHCP also needs port 67; write "rootcast dhcp config" for the other server instead'
    : /unknown interface|no such device/i.test(output)
      ? 'set pxe.interface (or --pxe-interface) to an interface of this machine'
      : 'check the generated config with "dnsmasq --test --conf-file=FILE"';
  return new RootcastError('UNAVAILABLE', `dnsmasq exited (${code ?? 'signal'}) before serving DHCP: ${lastLines(output) || 'no output'}`, { hint, details: [commandLine] });
};

/**
 * Starts dnsmasq and resolves once it reports "started" (its sockets are bound), or rejects with what
 * it said when it could not start (port 67 taken, unknown interface). Later deaths are logged and
 * dnsmasq is started again after `restartDelayMs`.
 */
export const superviseDnsmasq = async (spec: DnsmasqSpec): Promise<SupervisedDnsmasq> => {
  const { command, args } = dnsmasqCommand(spec.configFile, spec.command);
  const commandLine = formatCommandLine(command, args);
  let child: ChildProcess | undefined;
  let stopping = false;
  let restartTimer: NodeJS.Timeout | undefined;

  const start = (): Promise<void> =>
    new Promise((resolve, reject) => {
      let output = '';
      let started = false;
      const current = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = current;
      const timer = setTimeout(() => {
        if (started) return;
        current.kill('SIGTERM');
        reject(new RootcastError('UNAVAILABLE', `dnsmasq did not report "started" within ${(spec.startTimeoutMs ?? 15_000) / 1000} s: ${lastLines(output)}`, { details: [commandLine] }));
      }, spec.startTimeoutMs ?? 15_000);
      const onLine = (line: string): void => {
        if (line.trim() === '') return;
        output += `${line}\n`;
        spec.log(line.startsWith('dnsmasq') ? line : `dnsmasq: ${line}`);
        if (!started && /started, version/.test(line)) {
          started = true;
          clearTimeout(timer);
          resolve();
        }
      };
      let partial = '';
      const collect = (chunk: Buffer): void => {
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        lines.forEach(onLine);
      };
      current.stdout?.on('data', collect);
      current.stderr?.on('data', collect);
      current.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(error.code === 'ENOENT' ? programMissingError(command, 'install dnsmasq (apt-get install dnsmasq-base)') : error);
      });
      current.once('exit', (code) => {
        clearTimeout(timer);
        if (partial !== '') onLine(partial);
        if (!started) return reject(startFailure(output, code, commandLine));
        if (stopping) return;
        spec.log(`dnsmasq exited (${code ?? 'signal'}); starting it again in ${(spec.restartDelayMs ?? 2000) / 1000} s`);
        restartTimer = setTimeout(() => {
          start().catch((error: Error) => spec.log(`dnsmasq could not be restarted: ${error.message}; DHCP is not served`));
        }, spec.restartDelayMs ?? 2000);
      });
    });

  await start();
  return {
    pid: () => child?.pid,
    stop: async () => {
      stopping = true;
      clearTimeout(restartTimer);
      const running = child;
      if (running === undefined || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill('SIGTERM');
      await exited;
    },
  };
};

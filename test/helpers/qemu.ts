import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Firmware } from './gpt-disk.js';

/** How to start one throwaway VM whose serial console goes to a file. */
export interface QemuOptions {
  /** Machine-specific arguments: -kernel/-initrd/-append/-drive ... */
  args: readonly string[];
  /** File the guest's first serial port (ttyS0) is written to; created empty. */
  serialLog: string;
  /**
   * Also serve ttyS0 on this Unix socket (QEMU listens; one client at a time, see serial-console.ts)
   * so a test can type into the guest; everything the guest writes still goes to `serialLog`. @default none
   */
  serialSocket?: string;
  /** @default 1024 */
  memoryMiB?: number;
  /** @default 2 */
  cpus?: number;
  /** @default "qemu-system-x86_64" */
  binary?: string;
  /** Runs QEMU under this command, e.g. `ip netns exec HUB` so it can open a tap device there. @default [] */
  prefix?: readonly string[];
  /** Replaces `-nic none` (a PXE test gives the VM a tap NIC on a namespace bridge). @default ["-nic", "none"] */
  nic?: readonly string[];
}

export interface TextFound {
  /** The regular expression's match on the serial log. */
  match: RegExpExecArray;
  /** Milliseconds from QEMU's start until the text was seen (reported, never asserted). */
  elapsedMs: number;
}

export interface QemuVm {
  readonly pid: number;
  readonly serialLog: string;
  /** Everything the guest wrote to its serial console so far. */
  readSerial(): string;
  /** Resolves when `pattern` appears on the serial console; rejects on timeout or when QEMU exits first. */
  waitForText(pattern: RegExp, timeoutMs: number): Promise<TextFound>;
  /** Kills QEMU by its PID and waits (bounded) until it is gone; safe to call twice. */
  stop(): Promise<void>;
}

const pollMs = 250;
const tailChars = 3000;

/**
 * The flags every test VM gets: software emulation (KVM hangs on these machines), no display, no
 * network unless a test gives it a NIC on a namespace bridge (nothing may leave the machine), serial to a file,
 * and exit instead of rebooting.
 */
export const baseQemuArgs = (options: Pick<QemuOptions, 'serialLog' | 'serialSocket' | 'memoryMiB' | 'cpus' | 'nic'>): string[] => [
  '-accel', 'tcg',
  '-m', String(options.memoryMiB ?? 1024),
  '-smp', String(options.cpus ?? 2),
  '-display', 'none',
  '-monitor', 'none',
  ...(options.nic ?? ['-nic', 'none']),
  '-no-reboot',
  ...serialArgs(options),
];

// wait=off: the guest boots without a client; logfile= records its output whether or not one is connected.
const serialArgs = (options: Pick<QemuOptions, 'serialLog' | 'serialSocket'>): string[] =>
  options.serialSocket === undefined
    ? ['-serial', `file:${options.serialLog}`]
    : ['-chardev', `socket,id=serial0,path=${options.serialSocket},server=on,wait=off,logfile=${options.serialLog}`, '-serial', 'chardev:serial0'];

/**
 * A user-network rule that forwards the guest's connections to `guest` onto loopback `port`, each over a
 * connection of its own (guest-forward.mjs, spawned by QEMU per connection): a `tcp:` target would be one
 * connection opened when QEMU starts, which serve closes after its idle timeout while a slow guest still boots.
 */
export const guestForwardToLoopback = (guest: { address: string; port: number }, port: number): string =>
  `guestfwd=tcp:${guest.address}:${guest.port}-cmd:${process.execPath} ${fileURLToPath(new URL('./guest-forward.mjs', import.meta.url))} ${port}`;

/** OVMF, the UEFI firmware QEMU boots with `-bios` (package ovmf). */
export const ovmfFirmware = '/usr/share/ovmf/OVMF.fd';

/** Boot from a raw disk image on virtio (/dev/vda) through its own boot loader: SeaBIOS, or OVMF for UEFI. */
export const diskBootArgs = (image: string, firmware: Firmware): string[] => [
  '-drive', `file=${image},format=raw,if=virtio`,
  ...(firmware === 'uefi' ? ['-bios', ovmfFirmware] : []),
];

/** Starts QEMU in the background; the caller must `stop()` it in `finally`. */
export const startQemu = (options: QemuOptions): QemuVm => {
  writeFileSync(options.serialLog, '');
  const started = Date.now();
  const binary = options.binary ?? 'qemu-system-x86_64';
  const [command = binary, ...prefixArgs] = [...(options.prefix ?? []), binary];
  const child = spawn(command, [...prefixArgs, ...baseQemuArgs(options), ...options.args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-tailChars);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = exitOf(child);
  if (child.pid === undefined) throw new Error(`qemu did not start: ${options.binary ?? 'qemu-system-x86_64'} ${options.args.join(' ')}`);
  const pid = child.pid;

  const readSerial = (): string => (existsSync(options.serialLog) ? readFileSync(options.serialLog, 'latin1') : '');
  const describe = (what: string): string =>
    `${what}\n--- qemu output ---\n${output.trim()}\n--- serial tail (${options.serialLog}) ---\n${readSerial().slice(-tailChars)}`;

  const waitForText = async (pattern: RegExp, timeoutMs: number): Promise<TextFound> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(readSerial());
      if (match !== null) return { match, elapsedMs: Date.now() - started };
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(describe(`qemu (pid ${pid}) exited with ${child.exitCode ?? child.signalCode} before ${pattern} appeared`));
      }
      if (Date.now() >= deadline) throw new Error(describe(`${pattern} did not appear on the serial console within ${timeoutMs} ms`));
      await Promise.race([sleep(pollMs), exited]);
    }
  };

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(pid, 'SIGKILL');
    await Promise.race([exited, sleep(10_000, { unref: true })]);
  };

  return { pid, serialLog: options.serialLog, readSerial, waitForText, stop };
};

const exitOf = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });

const sleep = (ms: number, options: { unref?: boolean } = {}): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    // A bounded wait for an exit that already happened must not keep the process alive.
    if (options.unref === true) timer.unref();
  });

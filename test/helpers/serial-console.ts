import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** What one command run over the serial console printed and how it ended. */
export interface ConsoleResult {
  /** stdout and stderr, with "\n" line ends and terminal control sequences removed. */
  output: string;
  exitCode: number;
}

/** A logged-in shell on a VM's serial console (QEMU's `serialSocket`, test/helpers/qemu.ts). */
export interface SerialConsole {
  /** Logs in at the getty prompt, then quiets the shell: no echo, no prompts, kernel messages off the console. */
  login(user: string, password: string, timeoutMs?: number): Promise<void>;
  /** Runs shell code (may span lines; stdin is /dev/null) and waits for its exit status. @default timeoutMs 60000 */
  run(command: string, timeoutMs?: number): Promise<ConsoleResult>;
  /** Types raw text, e.g. "poweroff\n", when no answer is awaited. */
  write(text: string): void;
  /** Everything received since connecting (for failure messages). */
  transcript(): string;
  close(): void;
}

// The markers are printed by printf from two halves, so the echoed command line never contains them.
const beginMark = '__rootcast_begin_';
const endMark = '__rootcast_end_';

/** The lines typed for one command: markers around it, its status after the end marker (pure). */
export const consoleCommandOf = (command: string, nonce: string): string =>
  `printf '%s%s\\n' ${beginMark} ${nonce}\n{ ${command}\n} </dev/null\nprintf '%s%s:%s\\n' ${endMark} ${nonce} "$?"\n`;

/** Removes CSI/OSC sequences (bracketed paste, colours) and carriage returns (pure). */
export const stripTerminalCodes = (text: string): string =>
  text.replace(/\x1b\[[0-9;?=]*[A-Za-z]/g, '').replace(/\x1b\][^\x07]*\x07/g, '').replace(/\r/g, '');

/** The command's output and status once its end marker arrived, else undefined (pure). */
export const parseConsoleResult = (received: string, nonce: string): ConsoleResult | undefined => {
  const text = stripTerminalCodes(received);
  const begin = text.indexOf(`${beginMark}${nonce}\n`);
  if (begin < 0) return undefined;
  const rest = text.slice(begin + beginMark.length + nonce.length + 1);
  const end = new RegExp(`(?:^|\\n)${endMark}${nonce}:(\\d+)\\n`).exec(rest);
  if (end === null) return undefined;
  return { output: rest.slice(0, end.index + (end[0].startsWith('\n') ? 1 : 0)), exitCode: Number(end[1]) };
};

const connectWithin = async (socketPath: string, timeoutMs: number): Promise<Socket> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const socket = connect(socketPath);
        socket.once('connect', () => resolve(socket));
        socket.once('error', reject);
      });
    } catch (error) {
      // QEMU creates the socket a moment after it starts.
      if (Date.now() >= deadline) throw new Error(`cannot connect to the serial console ${socketPath} within ${timeoutMs} ms: ${String(error)}`);
      await sleep(200);
    }
  }
};

/** Connects to a VM's serial console socket (retrying until QEMU has made it, bounded). */
export const connectSerialConsole = async (socketPath: string, timeoutMs = 30_000): Promise<SerialConsole> => {
  const socket = await connectWithin(socketPath, timeoutMs);
  let received = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString('latin1');
  });
  socket.on('close', () => (closed = true));
  socket.on('error', () => (closed = true));
  const write = (text: string): void => {
    socket.write(text);
  };
  const fail = (what: string): Error => new Error(`${what}\n--- serial console tail ---\n${stripTerminalCodes(received).slice(-2000)}`);

  /** Resolves with the first match in text received after `from`; rejects on timeout or a closed socket. */
  const waitFor = async (pattern: RegExp, from: number, timeoutMs: number, what: string): Promise<RegExpExecArray> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(stripTerminalCodes(received.slice(from)));
      if (match !== null) return match;
      if (closed) throw fail(`the serial console closed while waiting for ${what} (did QEMU exit?)`);
      if (Date.now() >= deadline) throw fail(`no ${what} on the serial console within ${timeoutMs} ms`);
      await sleep(100);
    }
  };

  const run = async (command: string, timeoutMs = 60_000): Promise<ConsoleResult> => {
    const nonce = randomBytes(6).toString('hex');
    const from = received.length;
    write(consoleCommandOf(command, nonce));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = parseConsoleResult(received.slice(from), nonce);
      if (result !== undefined) return result;
      if (closed) throw fail(`the serial console closed while running: ${command}`);
      if (Date.now() >= deadline) throw fail(`no exit status within ${timeoutMs} ms for: ${command}`);
      await sleep(100);
    }
  };

  /** The shell prompt after a login; Enter is sent again now and then, since a kernel message may have followed the prompt. */
  const waitForShellPrompt = async (from: number, timeoutMs: number): Promise<RegExpExecArray> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await waitFor(/[#$] *$|Login incorrect/, from, Math.min(10_000, Math.max(deadline - Date.now(), 1)), 'shell prompt after the password');
      } catch (error) {
        if (Date.now() >= deadline || closed) throw error;
        write('\n');
      }
    }
  };

  const login = async (user: string, password: string, timeoutMs = 120_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    // getty printed its prompt before we connected: Enter makes it print a fresh one (retried while it starts).
    for (;;) {
      const from = received.length;
      write('\n');
      try {
        await waitFor(/login: *$/, from, Math.min(10_000, Math.max(deadline - Date.now(), 1)), 'login prompt');
        break;
      } catch (error) {
        if (Date.now() >= deadline || closed) throw error;
      }
    }
    let from = received.length;
    write(`${user}\n`);
    // Not anchored at the end: kernel messages printed during boot may follow the prompt on the same line.
    await waitFor(/Password:/, from, 30_000, 'password prompt');
    from = received.length;
    write(`${password}\n`);
    const answer = await waitForShellPrompt(from, Math.max(deadline - Date.now(), 30_000));
    if (answer[0] === 'Login incorrect') throw fail(`login as ${user} was refused (wrong password?)`);
    write(`stty -echo; PS1=''; PS2=''; bind 'set enable-bracketed-paste off' 2>/dev/null; dmesg -n 1 2>/dev/null; true\n`);
    await run('true', 30_000);
  };

  return { login, run, write, transcript: () => received, close: () => socket.destroy() };
};

import { expect } from 'vitest';
import type { QemuVm } from '../../helpers/qemu.js';
import { connectSerialConsole, type SerialConsole } from '../../helpers/serial-console.js';
import { cloneRootPassword } from './clone-roots.js';

/** A guest at its login prompt with root logged in over its serial socket; the caller closes `shell` in `finally`. */
export interface GuestShell {
  /** The host name the login prompt shows. */
  loginHost: string;
  /** The prompt line and when it appeared (reported, never asserted). */
  prompt: string;
  elapsedMs: number;
  shell: SerialConsole;
  /** Runs a command that must succeed (the failure names its output) and returns its output. */
  out(command: string): Promise<string>;
}

/** Waits (bounded) for the login prompt of a clone-roots guest, then logs in as root on its serial console. */
export const logInAsRoot = async (vm: QemuVm, serialSocket: string, bootTimeoutMs: number): Promise<GuestShell> => {
  const login = await vm.waitForText(/^(\S+) login:/m, bootTimeoutMs);
  const shell = await connectSerialConsole(serialSocket);
  try {
    await shell.login('root', cloneRootPassword);
  } catch (error) {
    shell.close();
    throw error;
  }
  const out = async (command: string): Promise<string> => {
    const result = await shell.run(command);
    expect(result.exitCode, `${command}: ${result.output}`).toBe(0);
    return result.output;
  };
  return { loginHost: login.match[1] ?? '', prompt: login.match[0], elapsedMs: login.elapsedMs, shell, out };
};

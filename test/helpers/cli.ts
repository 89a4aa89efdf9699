import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { AnswerFileSeed } from '../../src/cli/commands/answer-files.js';
import { runCli } from '../../src/cli/main.js';

/** What one rootcast invocation printed and its exit status. */
export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** The shipped bundle; CLI tests spawn it as users run it (`npm run build` first, which `npm test` does). */
export const rootcastBinary = join(import.meta.dirname, '../../dist/rootcast.mjs');

/** Runs `node dist/rootcast.mjs ...args` to completion; never rejects on a non-zero exit. */
export const runBinary = (args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> =>
  new Promise((resolve) => {
    execFile(process.execPath, [rootcastBinary, ...args], { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = (error as { code?: unknown } | null)?.code;
      resolve({ status: error === null ? 0 : typeof code === 'number' ? code : -1, stdout, stderr });
    });
  });

/** Runs rootcast in this process (the command tree the binary has) with its output captured; `seed` replaces effects. */
export const runInProcess = async (args: readonly string[], seed: AnswerFileSeed = {}): Promise<CliRun> => {
  let stdout = '';
  let stderr = '';
  const status = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    ...seed,
  });
  return { status, stdout, stderr };
};

/** `rootcast --home HOME ...args` in this process, with only PATH from our environment. */
export const runInHome = (paths: { home: string }, args: readonly string[]): Promise<CliRun> =>
  runInProcess(['--home', paths.home, ...args], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' } });

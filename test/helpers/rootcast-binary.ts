import { execFile } from 'node:child_process';
import { join } from 'node:path';

/** The shipped bundle; CLI tests spawn it as users run it (`npm run build` first, which `npm test` does). */
export const rootcastBinary = join(import.meta.dirname, '../../dist/rootcast.mjs');

export interface BinaryRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/rootcast.mjs ...args` to completion; never rejects on a non-zero exit. */
export const runBinary = (args: readonly string[], env: Record<string, string> = {}): Promise<BinaryRun> =>
  new Promise((resolve) => {
    execFile(process.execPath, [rootcastBinary, ...args], { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = (error as { code?: unknown } | null)?.code;
      resolve({ status: error === null ? 0 : typeof code === 'number' ? code : -1, stdout, stderr });
    });
  });

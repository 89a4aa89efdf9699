import { spawn } from 'node:child_process';
import { appendBounded } from './bounded-text.js';
import { formatCommandLine } from './command-line.js';
import { killProcessTree } from './process-children.js';
import { programMissingError } from './program-missing.js';

export interface StreamRequest {
  command: string;
  args: readonly string[];
  /** Replaces the environment entirely (a clean environment for chrooted programs). */
  env: Record<string, string>;
  /** Called for every stdout line; "\r" ends a line too (rsync progress redraws with it). */
  onStdoutLine?: (line: string) => void;
  /** Called once the child exists, e.g. so a test or a supervisor can signal it. */
  onSpawn?: (pid: number) => void;
  /**
   * Kill the child and everything below it when it has written nothing to stdout or stderr for this
   * long: a watchdog for a transfer whose peer stopped without closing (rsync's own --timeout can miss
   * that). @default undefined (no watchdog)
   */
  stallMs?: number;
}

export interface StreamResult {
  /** null when a signal ended the child. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  commandLine: string;
  /** Set when the stall watchdog killed the child: how long it had been silent. */
  stalledMs?: number;
}

/** rsync --info=progress2 lines ("   32,768   3%   0.00kB/s   0:00:00", with "(xfr#1, to-chk=2/5)" once files move). */
const isProgressRedraw = (line: string): boolean => line.includes('to-chk=') || line.includes('ir-chk=') || /^\s+[\d,.']+\s+\d{1,3}%\s/.test(line);

/**
 * Runs a program and streams its stdout line by line (execProcess only returns output at the end).
 * Never rejects for an exit code: the caller classifies exit codes (retry, fatal, ok).
 */
export const streamProcess = (request: StreamRequest): Promise<StreamResult> =>
  new Promise((resolve, reject) => {
    const commandLine = formatCommandLine(request.command, request.args);
    const child = spawn(request.command, [...request.args], { env: request.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let partial = '';
    let stalledMs: number | undefined;
    const watchdog = request.stallMs === undefined ? undefined : setTimeout(() => {
      stalledMs = request.stallMs;
      if (child.pid !== undefined) void killProcessTree(child.pid);
    }, request.stallMs);
    // Output is a sign of life; once the watchdog has fired, nothing revives it.
    const rearm = (): void => {
      if (stalledMs === undefined) watchdog?.refresh();
    };
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      rearm();
      const pieces = (partial + chunk).split(/\r\n|\r|\n/);
      partial = pieces.pop() ?? '';
      for (const line of pieces) {
        request.onStdoutLine?.(line);
        // Progress redraws are consumed by the callback; only the rest (stats, item lines) is worth keeping.
        if (!isProgressRedraw(line)) stdout = appendBounded(stdout, `${line}\n`);
      }
    });
    child.stderr.on('data', (chunk: string) => {
      rearm();
      stderr = appendBounded(stderr, chunk);
    });
    child.once('spawn', () => {
      if (child.pid !== undefined) request.onSpawn?.(child.pid);
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(watchdog);
      if (error.code === 'ENOENT') {
        reject(programMissingError(request.command, 'install it on the machine running the runner, then re-run'));
        return;
      }
      reject(error);
    });
    child.once('close', (exitCode, signal) => {
      clearTimeout(watchdog);
      if (partial !== '') {
        request.onStdoutLine?.(partial);
        stdout = appendBounded(stdout, partial);
      }
      resolve({ exitCode, signal, stdout, stderr, commandLine, ...(stalledMs === undefined ? {} : { stalledMs }) });
    });
  });

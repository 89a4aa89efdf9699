import { spawn } from 'node:child_process';
import { RootcastError } from '../errors/rootcast-error.js';
import { appendBounded } from './bounded-text.js';
import { formatCommandLine } from './command-line.js';
import { programMissingError } from './program-missing.js';

export interface ExecRequest {
  command: string;
  args: readonly string[];
  cwd?: string;
  /** Replaces the environment entirely when `cleanEnv` is set, else extends it. */
  env?: Record<string, string>;
  /** @default false */
  cleanEnv?: boolean;
  input?: string | Buffer;
  /** Show the child's stdout on our stderr as it runs (progress), while still capturing it. @default false */
  echoStdout?: boolean;
  /** Give the child our terminal (stdin, stdout and stderr inherited; nothing captured), e.g. an interactive shell. @default false */
  interactive?: boolean;
  /**
   * Keep stdout as bytes (names from `find -print0`), at most this many: `stdoutBytes` in the result, undefined
   * when the child printed more. `stdout` is then empty.
   */
  stdoutBytesLimit?: number;
  /** Exit codes that count as success. @default [0] */
  allowedExitCodes?: readonly number[];
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface ExecResult {
  exitCode: number;
  /** The last 4 MiB at most (bounded-text.ts), as for stderr. */
  stdout: string;
  stderr: string;
  commandLine: string;
  /** stdout as bytes, when asked for with `stdoutBytesLimit` and within it. */
  stdoutBytes?: Buffer;
}

/** The single way rootcast runs a program; passed around as a parameter so tests can record argv. */
export type Exec = (request: ExecRequest) => Promise<ExecResult>;

const stderrTailLines = 12;

/** A subprocess ended with an exit code the caller did not allow. */
export class SubprocessError extends RootcastError {
  readonly exitCode: number;
  readonly stderr: string;
  readonly commandLine: string;

  constructor(result: ExecResult) {
    const tail = result.stderr.trimEnd().split('\n').filter(Boolean).slice(-stderrTailLines);
    super('SUBPROCESS_FAILED', `command failed with exit code ${result.exitCode}: ${result.commandLine}`, {
      details: tail.map((line) => `stderr: ${line}`),
    });
    this.exitCode = result.exitCode;
    this.stderr = result.stderr;
    this.commandLine = result.commandLine;
  }
}

const signalOf = (error: unknown): boolean => (error as { name?: string }).name === 'AbortError';

/** Runs one program to completion on node:child_process (execa cost ~80 ms of start-up on every invocation). */
export const execProcess: Exec = (request) =>
  new Promise((resolve, reject) => {
    const commandLine = formatCommandLine(request.command, request.args);
    const env = request.cleanEnv === true ? (request.env ?? {}) : { ...process.env, ...request.env };
    const child = spawn(request.command, [...request.args], {
      env,
      ...(request.cwd === undefined ? {} : { cwd: request.cwd }),
      stdio: request.interactive === true ? 'inherit' : [request.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      ...(request.signal === undefined ? {} : { signal: request.signal }),
      ...(request.timeoutMs === undefined ? {} : { timeout: request.timeoutMs }),
    });
    let stdout = '';
    let stderr = '';
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const settle = (finish: () => void): void => {
      if (settled) return;
      settled = true;
      finish();
    };
    const limit = request.stdoutBytesLimit;
    if (limit === undefined) {
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        stdout = appendBounded(stdout, chunk);
        if (request.echoStdout === true) process.stderr.write(chunk);
      });
    } else {
      child.stdout?.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes <= limit) chunks.push(chunk);
      });
    }
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = appendBounded(stderr, chunk);
    });
    // A child that exits before reading all of its input (a failing rsync, a cancelled one) leaves EPIPE here: its exit says what went wrong.
    child.stdin?.on('error', () => undefined);
    if (request.input !== undefined) child.stdin?.end(request.input);
    let cancelled: Error | undefined;
    child.once('error', (error: NodeJS.ErrnoException) => {
      // A cancelled child is signalled, not yet gone: settle on 'close', so the caller never cleans up under a live process.
      if (signalOf(error) && child.pid !== undefined) {
        cancelled = error;
        return;
      }
      settle(() => {
        if (error.code === 'ENOENT') {
          reject(programMissingError(request.command, 'install it (scripts/setup-system.sh installs everything rootcast uses), then re-run'));
          return;
        }
        reject(new RootcastError('INTERRUPTED', `command did not finish (${error.message}): ${commandLine}`, { cause: error }));
      });
    });
    child.once('close', (code, signal) =>
      settle(() => {
        if (cancelled !== undefined) {
          reject(new RootcastError('INTERRUPTED', `command did not finish (cancelled): ${commandLine}`, { cause: cancelled }));
          return;
        }
        if (code === null) {
          reject(new RootcastError('INTERRUPTED', `command was killed by ${signal ?? 'a signal'}: ${commandLine}`));
          return;
        }
        const kept = limit !== undefined && bytes <= limit ? { stdoutBytes: Buffer.concat(chunks) } : {};
        const result: ExecResult = { exitCode: code, stdout, stderr, commandLine, ...kept };
        if ((request.allowedExitCodes ?? [0]).includes(code)) resolve(result);
        else reject(new SubprocessError(result));
      }),
    );
  });

import { execa } from 'execa';
import { RootcastError } from '../errors/rootcast-error.js';
import { formatCommandLine } from './command-line.js';

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
  /** Exit codes that count as success. @default [0] */
  allowedExitCodes?: readonly number[];
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  commandLine: string;
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

export const execProcess: Exec = async (request) => {
  const commandLine = formatCommandLine(request.command, request.args);
  const child = await execa(request.command, [...request.args], {
    reject: false,
    encoding: 'utf8',
    stripFinalNewline: false,
    extendEnv: request.cleanEnv !== true,
    ...(request.env === undefined ? {} : { env: request.env }),
    ...(request.cwd === undefined ? {} : { cwd: request.cwd }),
    ...(request.interactive === true
      ? { stdin: 'inherit' as const, stdout: 'inherit' as const, stderr: 'inherit' as const }
      : {
          ...(request.input === undefined ? { stdin: 'ignore' as const } : { input: request.input }),
          stdout: request.echoStdout === true ? (['pipe', 2] as const) : ('pipe' as const),
          stderr: 'pipe' as const,
        }),
    ...(request.signal === undefined ? {} : { cancelSignal: request.signal }),
    ...(request.timeoutMs === undefined ? {} : { timeout: request.timeoutMs }),
  });
  if (child.failed && child.exitCode === undefined) {
    const missing = (child.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
    if (missing) {
      throw new RootcastError('UNAVAILABLE', `${request.command} is not installed or not on PATH`, {
        hint: `install it (scripts/setup-system.sh installs everything rootcast uses), then re-run`,
      });
    }
    throw new RootcastError('INTERRUPTED', `command did not finish (${child.shortMessage}): ${commandLine}`, {
      cause: child.cause,
    });
  }
  const result: ExecResult = {
    exitCode: child.exitCode ?? -1,
    stdout: String(child.stdout ?? ''),
    stderr: String(child.stderr ?? ''),
    commandLine,
  };
  if (!(request.allowedExitCodes ?? [0]).includes(result.exitCode)) throw new SubprocessError(result);
  return result;
};

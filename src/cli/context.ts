import { resolveHomePaths, type HomePaths } from '../home/paths.js';
import type { ClosedOutputGuard } from '../sys/closed-output.js';
import { execProcess, type Exec } from '../sys/exec.js';
import { openSshSession, type OpenSsh } from '../sys/ssh-session.js';

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
}

/** Everything a command may touch, passed in explicitly (no module-level singletons). */
export interface CommandContext {
  paths: HomePaths;
  json: boolean;
  exec: Exec;
  stdout: OutputStream;
  stderr: OutputStream;
  now: () => Date;
  env: NodeJS.ProcessEnv;
  /** How SSH sessions are opened (push, drift). @default openSshSession */
  openSsh: OpenSsh;
}

interface GlobalOptions {
  home?: string;
  json?: boolean;
}

export interface ContextSeed {
  exec?: Exec;
  /** What a closed stdout/stderr does (bin.ts: exit quietly); commands that must finish their work call outlive(). @default nothing */
  closedOutput?: ClosedOutputGuard;
  stdout?: OutputStream;
  stderr?: OutputStream;
  now?: () => Date;
  env?: NodeJS.ProcessEnv;
  openSsh?: OpenSsh;
}

/** Anything commander hands an action that can report global options. */
export interface OptionSource {
  optsWithGlobals(): object;
}

export const buildContext = (command: OptionSource, seed: ContextSeed = {}): CommandContext => {
  const globals = command.optsWithGlobals() as GlobalOptions;
  const env = seed.env ?? process.env;
  return {
    paths: resolveHomePaths({ home: globals.home, envHome: env['ROOTCAST_HOME'] }),
    json: globals.json === true,
    exec: seed.exec ?? execProcess,
    stdout: seed.stdout ?? process.stdout,
    stderr: seed.stderr ?? process.stderr,
    now: seed.now ?? (() => new Date()),
    env,
    openSsh: seed.openSsh ?? openSshSession,
  };
};

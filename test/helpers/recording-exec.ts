import { writeFile } from 'node:fs/promises';
import { describeError, formatErrorText } from '../../src/errors/format-error.js';
import { formatCommandLine } from '../../src/sys/command-line.js';
import { buildDieWithParentCommand } from '../../src/sys/die-with-parent.js';
import { execProcess, type Exec, type ExecRequest } from '../../src/sys/exec.js';
import type { MountNamespace, NamespaceHolderCommand } from '../../src/sys/mount-namespace.js';
import { formatPlannedCommand, type PlannedCommand } from '../../src/sys/planned-command.js';
import type { StreamRequest, StreamResult } from '../../src/sys/stream-process.js';

/** The real exec, recording every request it runs (the applier's spawns, exactly); `after` runs once each has ended. */
export const recordingExec = (after?: (request: ExecRequest, index: number) => void): { exec: Exec; requests: ExecRequest[] } => {
  const requests: ExecRequest[] = [];
  return {
    requests,
    exec: async (request) => {
      const index = requests.push(request) - 1;
      try {
        return await execProcess(request);
      } finally {
        after?.(request, index);
      }
    },
  };
};

const wrapper = buildDieWithParentCommand('', []);

/** The spawned command line as --dry-run would print it: the die-with-us wrapper (setpriv) taken off, if any. */
export const spawnedLine = (request: ExecRequest): string => {
  const wrapped = request.command === wrapper.command && request.args.slice(0, wrapper.args.length - 1).join('\0') === wrapper.args.slice(0, -1).join('\0');
  const [program = '', ...args] = wrapped ? request.args.slice(wrapper.args.length - 1) : [request.command, ...request.args];
  return formatCommandLine(program, args);
};

/** A planned command with a value only the run knows (the staging directory for "<new>") filled in, as printed. */
export const fillPlanned = (command: PlannedCommand, placeholder: string, value: string): string =>
  formatPlannedCommand({ ...command, args: command.args.map((arg) => arg.replaceAll(placeholder, value)) });

/** One spawn a recorded run made (a runner or an update in its own process: runner-record-entry.ts, update-record-entry.ts). */
export interface RecordedSpawn {
  /** `namespace`: the namespace holder, started by enterNamespace (as planned: no setpriv). */
  via: 'exec' | 'stream' | 'namespace';
  command: string;
  args: string[];
  /** Names only: values include the token. */
  env: string[];
}

/** A command line as a dry run prints it, with where it runs. */
export interface PrintedLine {
  where: 'here' | 'namespace';
  line: string;
}

/**
 * A recorded spawn as the dry run prints it: `setpriv --pdeathsig KILL --` and `nsenter -t PID -m -p -r -w --` taken
 * off; a spawn the plan made without setpriv (the holder, a `diesWithUs: false` command) as it is. Throws on any other wrapper.
 */
export const unwrapSpawn = (spawn: RecordedSpawn): PrintedLine => {
  if (spawn.command !== 'setpriv') return { where: 'here', line: formatCommandLine(spawn.command, spawn.args) };
  if (spawn.args.slice(0, 3).join(' ') !== '--pdeathsig KILL --') throw new Error(`not the die-with-us wrapper: ${formatCommandLine(spawn.command, spawn.args)}`);
  const [program = '', ...args] = spawn.args.slice(3);
  if (program !== 'nsenter') return { where: 'here', line: formatCommandLine(program, args) };
  if (!/^-t \d+ -m -p -r -w -- \S/.test(args.join(' '))) throw new Error(`not the namespace wrapper: ${formatCommandLine(program, args)}`);
  return { where: 'namespace', line: formatCommandLine(args[7] ?? '', args.slice(8)) };
};

/** The command lines a dry run's text prints (`  $ LINE`, `  ns$ LINE`), each without its `    # …` comment. */
export const printedCommandLines = (text: string): PrintedLine[] =>
  text.split('\n').flatMap((row) => {
    const match = /^ {2}(ns\$|\$) (.*?)(?: {4}# .*)?$/.exec(row);
    return match === null ? [] : [{ where: match[1] === 'ns$' ? ('namespace' as const) : ('here' as const), line: match[2] ?? '' }];
  });

/** The spawning effects a runner and an update share. */
export interface SpawningEffects {
  exec: Exec;
  stream: (request: StreamRequest) => Promise<StreamResult>;
  enterNamespace: (holder: NamespaceHolderCommand) => Promise<MountNamespace>;
}

/** `real`'s spawning effects, each spawn handed to `record` first (environment names only: values may be the token). */
export const recordSpawns = (real: SpawningEffects, record: (spawn: RecordedSpawn) => void): SpawningEffects => ({
  exec: (request) => {
    record({ via: 'exec', command: request.command, args: [...request.args], env: Object.keys(request.env ?? {}) });
    return real.exec(request);
  },
  stream: (request) => {
    record({ via: 'stream', command: request.command, args: [...request.args], env: Object.keys(request.env) });
    return real.stream(request);
  },
  enterNamespace: (holder) => {
    record({ via: 'namespace', command: holder.program, args: [...holder.args], env: [] });
    return real.enterNamespace(holder);
  },
});

/** What a recorded run (runner-record-entry.ts, update-record-entry.ts) writes: its dry run, printed twice, and what each spawned. */
export interface SpawnRecording {
  dryRunText: string;
  dryRunJson: string;
  /** Spawned by the dry runs (facts read, passes previewed). */
  dryRunSpawns: RecordedSpawn[];
  /** Spawned by the real run. */
  spawns: RecordedSpawn[];
}

/**
 * A recorded run's whole life (the entry files): the dry run as text and as JSON, then the real run, every spawn
 * recorded; the recording goes to $RECORD_FILE. A failure is printed as rootcast prints it, with its exit status.
 */
export const writeSpawnRecording = async (
  real: SpawningEffects,
  runs: (spawning: SpawningEffects) => { dryRunText: () => Promise<string>; dryRunJson: () => Promise<string>; run: () => Promise<unknown> },
): Promise<void> => {
  const spawns: RecordedSpawn[] = [];
  try {
    const { dryRunText, dryRunJson, run } = runs(recordSpawns(real, (spawn) => spawns.push(spawn)));
    const recording: SpawnRecording = { dryRunText: await dryRunText(), dryRunJson: await dryRunJson(), dryRunSpawns: spawns.splice(0), spawns };
    await run();
    await writeFile(process.env['RECORD_FILE'] ?? '', JSON.stringify(recording));
  } catch (error) {
    process.stderr.write(formatErrorText(describeError(error)));
    process.exitCode = describeError(error).exitStatus;
  }
};

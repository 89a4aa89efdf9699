import { RootcastError } from '../errors/rootcast-error.js';
import { buildDieWithParentCommand } from './die-with-parent.js';
import { formatCommandLine } from './command-line.js';
import { nsenterArgs } from './mount-namespace.js';

/**
 * One external program a plan will run, exactly, as data: what --dry-run prints and what is
 * spawned are both made from it (buildSpawnRequest adds only the wrapper known at run time).
 */
export interface PlannedCommand {
  program: string;
  args: string[];
  /** Names of the environment variables it gets, and no others; values are filled in at run time (some are secrets). */
  env: string[];
  /** `runner`: the runner's own namespaces; `namespace`: the private mount+PID namespace (src/sys/mount-namespace.ts). */
  where: 'runner' | 'namespace';
  /** Run chrooted into this directory (as the place it runs sees it). */
  chroot?: string;
  /** Exit codes that count as success. */
  okExitCodes: number[];
}

/** The argv as it runs where it is placed: the chroot included, the die-with-us and namespace wrapper not. */
export const plannedArgv = (command: PlannedCommand): string[] => [
  ...(command.chroot === undefined ? [] : ['chroot', command.chroot]),
  command.program,
  ...command.args,
];

/** The shell-quoted line --dry-run prints (and the log records) for a command. */
export const formatPlannedCommand = (command: PlannedCommand): string => {
  const [program = '', ...args] = plannedArgv(command);
  return formatCommandLine(program, args);
};

export interface SpawnRequest {
  command: string;
  args: string[];
  /** Exactly the planned names (a clean environment: nothing of ours leaks in). */
  env: Record<string, string>;
}

export interface SpawnPlace {
  /** Values for the planned environment names; a name without a value is a bug in the plan. */
  values: Readonly<Record<string, string>>;
  /** The namespace holder's PID, for commands that run in the private namespace. */
  namespacePid?: number;
}

/**
 * The one way a planned command becomes a spawn: under `setpriv --pdeathsig KILL` (it dies with
 * us), entered into the namespace with `nsenter -t PID -m -p -r -w` when it runs there.
 */
export const buildSpawnRequest = (command: PlannedCommand, place: SpawnPlace): SpawnRequest => {
  const env: Record<string, string> = {};
  for (const name of command.env) {
    const value = place.values[name];
    if (value === undefined) throw new RootcastError('INTERNAL', `the planned command ${command.program} asks for $${name}, which nothing provides`);
    env[name] = value;
  }
  const [program = '', ...args] = plannedArgv(command);
  if (command.where === 'runner') return { ...buildDieWithParentCommand(program, args), env };
  if (place.namespacePid === undefined) throw new RootcastError('INTERNAL', `${command.program} must run in the private namespace, and none is open`);
  return { ...buildDieWithParentCommand('nsenter', nsenterArgs(place.namespacePid, program, args)), env };
};

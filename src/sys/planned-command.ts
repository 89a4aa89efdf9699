import { RootcastError } from '../errors/rootcast-error.js';
import { buildDieWithParentCommand } from './die-with-parent.js';
import { formatCommandLine } from './command-line.js';
import { nsenterArgs } from './mount-namespace.js';

/**
 * Where a planned command runs:
 * - `here`: a child of this process, in its own namespaces;
 * - `namespace`: in the private mount+PID namespace a holder keeps open (src/sys/mount-namespace.ts), via nsenter;
 * - `ssh`: on the remote machine, sent as its shell-quoted line over an SSH session this process holds (ssh2);
 * - `script`: a line of the shell script another planned command runs (image shell's `unshare … sh -c`).
 */
export type CommandPlace = 'here' | 'namespace' | 'ssh' | 'script';

/**
 * One external program a plan will run, exactly, as data: what --dry-run prints and what is
 * spawned are both made from it (buildSpawnRequest adds only the wrapper known at run time).
 */
export interface PlannedCommand {
  program: string;
  args: string[];
  /** Names of the environment variables it gets; values are filled in at run time (some are secrets). */
  env: string[];
  /** Also gets this process's own environment (ssh needs the agent socket, Kerberos tickets, what ssh_config names). @default false */
  inheritEnv?: boolean;
  where: CommandPlace;
  /** Run chrooted into this directory (as the place it runs sees it). */
  chroot?: string;
  /** Exit codes that count as success. */
  okExitCodes: number[];
  /** What it reads on stdin, known only at run time ("the paths the listing found"); --dry-run names it. */
  stdin?: string;
  /** Killed when we die (`setpriv --pdeathsig KILL`), so nothing keeps writing into what a later run reuses. @default true */
  diesWithUs?: boolean;
  /** When streamed: killed, with everything below it, after this many seconds without output (a stalled transfer). @default undefined (never) */
  stallSeconds?: number;
}

/** The argv as it runs where it is placed: the chroot included, the die-with-us and namespace wrapper not. */
export const plannedArgv = (command: PlannedCommand): string[] => [
  ...(command.chroot === undefined ? [] : ['chroot', command.chroot]),
  command.program,
  ...command.args,
];

/** The shell-quoted line --dry-run prints (and a log records) for a command; also what an `ssh` command sends. */
export const formatPlannedCommand = (command: PlannedCommand): string => {
  const [program = '', ...args] = plannedArgv(command);
  return formatCommandLine(program, args);
};

export interface SpawnRequest {
  command: string;
  args: string[];
  /** Exactly the planned names' values; with `cleanEnv` nothing else (nothing of ours leaks in). */
  env: Record<string, string>;
  cleanEnv: boolean;
}

export interface SpawnPlace {
  /** Values for the planned environment names; a name without a value is a bug in the plan. */
  values: Readonly<Record<string, string>>;
  /** The namespace holder's PID, for commands that run in the private namespace. */
  namespacePid?: number | undefined;
}

/**
 * The one way a planned command becomes a spawn: under `setpriv --pdeathsig KILL` (it dies with
 * us) unless planned otherwise, entered into the namespace with `nsenter -t PID -m -p -r -w` when it runs there.
 */
export const buildSpawnRequest = (command: PlannedCommand, place: SpawnPlace): SpawnRequest => {
  const env: Record<string, string> = {};
  for (const name of command.env) {
    const value = place.values[name];
    if (value === undefined) throw new RootcastError('INTERNAL', `the planned command ${command.program} asks for $${name}, which nothing provides`);
    env[name] = value;
  }
  const cleanEnv = command.inheritEnv !== true;
  const wrap = (program: string, args: string[]): { command: string; args: string[] } =>
    command.diesWithUs === false ? { command: program, args } : buildDieWithParentCommand(program, args);
  const [program = '', ...args] = plannedArgv(command);
  if (command.where === 'here') return { ...wrap(program, args), env, cleanEnv };
  if (command.where === 'namespace') {
    if (place.namespacePid === undefined) throw new RootcastError('INTERNAL', `${command.program} must run in the private namespace, and none is open`);
    return { ...wrap('nsenter', nsenterArgs(place.namespacePid, program, args)), env, cleanEnv };
  }
  throw new RootcastError('INTERNAL', `${command.program} runs ${command.where === 'ssh' ? 'over an SSH session' : 'inside a script'}, not as a child of rootcast`);
};

/** The line an `ssh` command sends over the session: exactly what --dry-run prints. */
export const buildRemoteCommandLine = (command: PlannedCommand): string => {
  if (command.where !== 'ssh') throw new RootcastError('INTERNAL', `${command.program} is not planned to run over SSH`);
  return formatPlannedCommand(command);
};

/** How --dry-run shows where a command runs. */
export const commandPrompt: Record<CommandPlace, string> = { here: '$ ', namespace: 'ns$ ', ssh: 'ssh$ ', script: 'script$ ' };

const onlyExitZero = (codes: readonly number[]): boolean => codes.length === 1 && codes[0] === 0;

const sameNames = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((name) => b.includes(name));

/** What a listing's legend already says every command gets, so its lines note only what differs. */
export interface PlanLegendDefaults {
  /** The environment names every command gets unless noted (the runner's PATH, LC_ALL, HOME). @default none */
  env?: readonly string[];
}

/**
 * What the line does not show: its stdin (a runtime value), its environment (unless it is the legend's), the exits
 * that count as success (unless only 0), and that it is not wrapped to die with us when so planned.
 */
export const describePlannedCommand = (command: PlannedCommand, defaults: PlanLegendDefaults = {}): string[] => {
  const names = [...(command.inheritEnv === true ? ['ours'] : []), ...command.env];
  const usual = command.inheritEnv !== true && defaults.env !== undefined && sameNames(command.env, defaults.env);
  return [
    ...(command.stdin === undefined ? [] : [`stdin: ${command.stdin}`]),
    ...(command.where === 'ssh' || names.length === 0 || usual ? [] : [`environment: ${names.join(' + ')}`]),
    ...(onlyExitZero(command.okExitCodes) ? [] : [`success: exit ${command.okExitCodes.join(', ')}`]),
    ...(command.diesWithUs === false && command.where !== 'ssh' && command.where !== 'script' ? ['spawned without setpriv'] : []),
  ];
};

/** A command as --dry-run lists it (every plan alike): the prompt and the exact line, then (in parentheses) describePlannedCommand. */
export const formatPlannedCommandLines = (command: PlannedCommand, indent: string, defaults: PlanLegendDefaults = {}): string[] => {
  const notes = describePlannedCommand(command, defaults);
  return [`${indent}${commandPrompt[command.where]}${formatPlannedCommand(command)}`, ...(notes.length === 0 ? [] : [`${indent}    (${notes.join('; ')})`])];
};

import type { Exec, ExecRequest, ExecResult } from '../sys/exec.js';
import type { MountNamespace } from '../sys/mount-namespace.js';
import { buildSpawnRequest, formatPlannedCommand, type PlannedCommand } from '../sys/planned-command.js';
import type { StreamRequest, StreamResult } from '../sys/stream-process.js';

export interface PlannedRunner {
  exec: Exec;
  stream: (request: StreamRequest) => Promise<StreamResult>;
  environment: Readonly<Record<string, string>>;
  log: (line: string) => void;
}

/** Runs a planned command to its end; an exit code the plan does not allow throws (SubprocessError). `output`: how its stdout is kept. */
export const execPlanned = (
  runner: Pick<PlannedRunner, 'exec' | 'environment' | 'log'>,
  command: PlannedCommand,
  namespace?: MountNamespace,
  output: Pick<ExecRequest, 'stdoutBytesLimit'> = {},
): Promise<ExecResult> => {
  const request = buildSpawnRequest(command, { values: runner.environment, namespacePid: namespace?.pid });
  runner.log(`run: ${formatPlannedCommand(command)}`);
  return runner.exec({ ...request, ...output, cleanEnv: true, allowedExitCodes: command.okExitCodes });
};

/** Runs a planned command streaming its stdout; never throws for an exit code (the caller classifies it against okExitCodes). */
export const streamPlanned = (
  runner: Pick<PlannedRunner, 'stream' | 'environment' | 'log'>,
  command: PlannedCommand,
  namespace: MountNamespace | undefined,
  callbacks: Pick<StreamRequest, 'onStdoutLine' | 'onSpawn'> = {},
): Promise<StreamResult> => {
  const request = buildSpawnRequest(command, { values: runner.environment, namespacePid: namespace?.pid });
  runner.log(`run: ${formatPlannedCommand(command)}`);
  return runner.stream({ ...request, ...callbacks, ...(command.stallSeconds === undefined ? {} : { stallMs: command.stallSeconds * 1000 }) });
};

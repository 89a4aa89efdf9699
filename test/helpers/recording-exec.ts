import { formatCommandLine } from '../../src/sys/command-line.js';
import { buildDieWithParentCommand } from '../../src/sys/die-with-parent.js';
import { execProcess, type Exec, type ExecRequest } from '../../src/sys/exec.js';
import { formatPlannedCommand, type PlannedCommand } from '../../src/sys/planned-command.js';

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

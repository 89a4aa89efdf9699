import { formatPlannedCommand, type PlannedCommand } from '../sys/planned-command.js';
import { leftoversPlaceholder } from './sweep.js';
import type { UpdatePlan } from './plan-update.js';

/** One command of an update's plan, in the order an update runs them: what --dry-run prints and --dry-run --json emits. */
export interface UpdateCommand {
  /** What it is for, in a few words. */
  what: string;
  /** The condition it runs under, as "only …"; absent: every update runs it. */
  when?: string;
  command: PlannedCommand;
}

const afterInterruption = 'only when finishing or replacing an interrupted update';
const afterKernelChange = 'only if a kernel or /boot changed';

/** Pure: every command the plan holds, in the order the update runs them (not the dry run's own --dry-run passes). */
export const listUpdateCommands = (plan: UpdatePlan): UpdateCommand[] => [
  { what: 'the private mount+PID namespace the passes run in', command: plan.namespace },
  ...plan.passes.map((pass) => ({ what: `the ${pass.name} pass (${pass.what})`, command: pass.command })),
  ...(plan.sweep === undefined
    ? []
    : [
        { what: 'list the .~tmp~ directories the interrupted update\'s rsync left', when: afterInterruption, command: plan.sweep.find },
        { what: `remove those outside the data the update leaves alone (${leftoversPlaceholder}: the ones found, in batches of bounded length)`, when: `${afterInterruption}, for what the find listed`, command: plan.sweep.remove },
      ]),
  ...plan.bootCommands.map((command) => ({ what: 'rebuild the initramfs and boot loader configuration', when: afterKernelChange, command })),
  ...(plan.reboot === undefined ? [] : [{ what: 'reboot (--reboot), once the report is printed', when: afterKernelChange, command: plan.reboot }]),
];

/** The line the report's `commands` has for one: the shell-quoted command, then its condition as a comment. */
export const formatUpdateCommand = (entry: UpdateCommand): string => `${formatPlannedCommand(entry.command)}${entry.when === undefined ? '' : `    # ${entry.when}`}`;

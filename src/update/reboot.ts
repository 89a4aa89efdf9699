import { cleanEnvironment, cleanEnvironmentNames } from '../runner/command-environment.js';
import { execPlanned } from '../runner/run-planned.js';
import type { PlannedCommand } from '../sys/planned-command.js';
import type { Exec } from '../sys/exec.js';
import type { UpdateOptions } from './update-options.js';

/** Pure: `systemctl reboot`, spawned as it is (the machine goes down anyway). */
export const planReboot = (): PlannedCommand => ({ program: 'systemctl', args: ['reboot'], env: [...cleanEnvironmentNames], where: 'here', okExitCodes: [0], diesWithUs: false });

/** `--reboot`: runs the plan's reboot when the update needs it; a plan has none for `--target-root` (not the running root). */
export const rebootIfNeeded = async (
  report: { dryRun: boolean; rebootNeeded: boolean },
  reboot: PlannedCommand | undefined,
  options: Pick<UpdateOptions, 'reboot' | 'targetRoot'>,
  effects: { exec: Exec; note: (line: string) => void },
): Promise<void> => {
  if (!options.reboot || report.dryRun || !report.rebootNeeded) return;
  if (reboot === undefined) {
    effects.note(`note: --reboot skipped: ${options.targetRoot} is not the running system`);
    return;
  }
  effects.note('rebooting to run the new kernel');
  await execPlanned({ exec: effects.exec, environment: cleanEnvironment, log: effects.note }, reboot);
};

import type { UpdateEffects, UpdateReport } from './run-update.js';
import type { UpdateOptions } from './update-options.js';

/** `--reboot`: reboots the running system when the update needs it; never for `--target-root` (not the running root). */
export const rebootIfNeeded = async (report: UpdateReport, options: UpdateOptions, effects: UpdateEffects): Promise<void> => {
  if (!options.reboot || report.dryRun || !report.rebootNeeded) return;
  if (options.targetRoot !== '/') {
    effects.note(`note: --reboot skipped: ${options.targetRoot} is not the running system`);
    return;
  }
  effects.note('rebooting to run the new kernel');
  await effects.exec({ command: 'systemctl', args: ['reboot'], cleanEnv: true, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' } });
};

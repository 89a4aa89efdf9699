import type { ServePxeHooks } from './pxe-hooks.js';

/** PXE once: the install is recorded as done, so the host's next network boot must not install again. */
export const switchToLocalBoot = async (hooks: ServePxeHooks, host: string, log: (line: string) => void): Promise<void> => {
  try {
    await hooks.onInstallDone(host);
  } catch (error) {
    // The event is stored and the install is done: a failed switch is the admin's to fix, not the runner's.
    log(`pxe: could not switch ${host} to local boot: ${(error as Error).message}; run "rootcast pxe localboot ${host}"`);
  }
};

import type { HostBoot } from '../pxe/host-boots.js';

/**
 * What a host's next network boot does, when the inventory has a `pxe:` block: install (which installer),
 * boot its local disk (and why, or why it cannot install), or nothing (no MAC: PXE cannot tell it apart).
 */
export type PxeNext =
  | { kind: 'install'; distro: string; why: string }
  | { kind: 'local'; why: string; problem?: string }
  | { kind: 'none'; why: string };

const noMac: PxeNext = { kind: 'none', why: 'no MAC in the inventory: PXE cannot tell it from other machines' };

/** Each host's next PXE boot from the planned boots (pure); hosts the plan left out have no MAC. */
export const pxeNextByHost = (hosts: readonly string[], boots: readonly HostBoot[]): Map<string, PxeNext> => {
  const planned = new Map(boots.map((boot) => [boot.name, boot]));
  return new Map(
    hosts.map((host): [string, PxeNext] => {
      const boot = planned.get(host);
      if (boot === undefined) return [host, noMac];
      if (boot.next.kind === 'install') return [host, { kind: 'install', distro: boot.next.distro, why: boot.why }];
      return [host, { kind: 'local', why: boot.why, ...(boot.problem === undefined ? {} : { problem: boot.problem }) }];
    }),
  );
};

/** The short words a table shows: `install debian12`, `local disk`, `none` (pure). */
export const describePxeNext = (next: PxeNext): string =>
  next.kind === 'install' ? `install ${next.distro}` : next.kind === 'local' ? `local disk${next.problem === undefined ? '' : ' (cannot install)'}` : 'none';

/** Why, in one line: the stored choice or the deploy record, or what keeps it from installing (pure). */
export const explainPxeNext = (next: PxeNext): string => (next.kind === 'local' && next.problem !== undefined ? `${next.problem} (${next.why})` : next.why);

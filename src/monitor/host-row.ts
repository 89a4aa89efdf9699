import { currentInstall, hostStateOf, type HostState, type HostStatus } from '../state/host-status.js';
import type { PxeNext } from './pxe-next.js';
import { isStalled, type StallPolicy } from './stall.js';

/** What the fleet view needs of an inventory host besides its events. */
export interface FleetHost {
  name: string;
  groups: readonly string[];
  /** The inventory's image reference (`web`, `web@stable`), shown until an install names its version. */
  imageRef: string;
}

/** One line of `rootcast status` and one row of the dashboard (pure data; --json prints it). */
export interface HostRow {
  host: string;
  groups: string[];
  /** `web@3` once serve handed out a version, else the inventory's reference. */
  image: string;
  state: HostState;
  /** The install these facts come from (null: none recorded). */
  install: number | null;
  phase: string | null;
  percent: number | null;
  bytes: number | null;
  /** Bytes per second, while a phase runs. */
  rate: number | null;
  etaSeconds: number | null;
  /** serve's clock at the host's last event. */
  lastEventAt: string | null;
  ageSeconds: number | null;
  message: string | null;
  failure: { phase: string; reason: string; log: string[] } | null;
  stalled: boolean;
  /** What its next network boot does; null when the inventory has no `pxe:` block. */
  pxe: PxeNext | null;
}

/** What a row knows besides the host's events. */
export interface HostRowExtras {
  /** The version the host's record says it runs, shown when no install named one. */
  deployedRef?: string;
  pxe?: PxeNext;
}

/** Time left from what the sync reported: the bytes still to go at the current rate (pure). */
export const estimateSeconds = (percent: number | undefined, bytes: number | undefined, rate: number | undefined): number | null => {
  if (percent === undefined || bytes === undefined || rate === undefined || percent <= 0 || percent >= 100 || rate <= 0) return null;
  const remaining = (bytes * (100 - percent)) / percent;
  return Math.round(remaining / rate);
};

/** A host's next PXE boot out of the fleet's (none when the inventory has no `pxe:` block). */
export const pxeExtras = (pxe: ReadonlyMap<string, PxeNext> | undefined, host: string): HostRowExtras => {
  const next = pxe?.get(host);
  return next === undefined ? {} : { pxe: next };
};

export const buildHostRow = (host: FleetHost, status: HostStatus, now: Date, stall: StallPolicy, extras: HostRowExtras = {}): HostRow => {
  const summary = currentInstall(status);
  const running = summary !== undefined && ['installing', 'updating'].includes(summary.state);
  const lastEventAt = summary?.lastEventAt ?? null;
  return {
    host: host.name,
    groups: [...host.groups],
    image: summary?.ref ?? extras.deployedRef ?? host.imageRef,
    state: hostStateOf(status),
    install: summary?.install ?? null,
    phase: summary?.phase ?? null,
    percent: summary?.state === 'done' || summary?.state === 'booted' ? 100 : (summary?.percent ?? null),
    bytes: summary?.bytes ?? null,
    rate: running ? (summary?.rate ?? null) : null,
    etaSeconds: running ? estimateSeconds(summary?.percent, summary?.bytes, summary?.rate) : null,
    lastEventAt,
    ageSeconds: lastEventAt === null ? null : Math.max(0, Math.round((now.getTime() - Date.parse(lastEventAt)) / 1000)),
    message: summary?.failure?.reason ?? summary?.message ?? null,
    failure: summary?.failure === undefined ? null : { phase: summary.failure.phase, reason: summary.failure.reason, log: summary.failure.log },
    stalled: isStalled(summary, now, stall),
    pxe: extras.pxe ?? null,
  };
};

import { currentInstall, hostStates, type HostState, type HostStatus } from '../state/host-status.js';
import type { HostRow } from './host-row.js';

/** The fleet at a glance: the dashboard's summary line, and the line under `rootcast status`. */
export interface FleetSummary {
  hosts: number;
  counts: Record<HostState, number>;
  /** Bytes per second the image server sends now, measured at its rsync daemons (null where not measured: the CLI). */
  serverRate: number | null;
  /** The sum of the rates the running hosts report. */
  reportedRate: number;
  /** The longest phase of any host's current install (a running one counts up to now); the reboot into the new system is left out. */
  slowestPhase: { phase: string; host: string; seconds: number; running: boolean } | null;
  /** Hosts silent for longer than the stall policy allows. */
  stalled: string[];
}

const slowestOf = (statuses: readonly HostStatus[], now: Date): FleetSummary['slowestPhase'] => {
  let slowest: FleetSummary['slowestPhase'] = null;
  for (const status of statuses) {
    for (const span of currentInstall(status)?.spans ?? []) {
      if (span.phase === 'reboot') continue;
      const end = span.end === undefined ? now.getTime() : Date.parse(span.end);
      const seconds = (end - Date.parse(span.start)) / 1000;
      if (slowest === null || seconds > slowest.seconds) slowest = { phase: span.phase, host: status.host, seconds, running: span.end === undefined };
    }
  }
  return slowest;
};

/** Pure: `rows` and `statuses` describe the same hosts. */
export const summariseFleet = (rows: readonly HostRow[], statuses: readonly HostStatus[], now: Date, serverRate: number | null): FleetSummary => {
  const counts = Object.fromEntries(hostStates.map((state) => [state, 0])) as Record<HostState, number>;
  for (const row of rows) counts[row.state] += 1;
  return {
    hosts: rows.length,
    counts,
    serverRate,
    reportedRate: rows.reduce((sum, row) => sum + (row.rate ?? 0), 0),
    slowestPhase: slowestOf(statuses, now),
    stalled: rows.filter((row) => row.stalled).map((row) => row.host),
  };
};

import type { HomePaths } from '../home/paths.js';
import { readHostStatus } from '../state/event-read.js';
import { readHostRecord } from '../state/host-record-store.js';
import type { HostStatus } from '../state/host-status.js';
import { summariseFleet, type FleetSummary } from './fleet-summary.js';
import { buildHostRow, pxeExtras, type FleetHost, type HostRow } from './host-row.js';
import type { PxeNext } from './pxe-next.js';
import type { StallPolicy } from './stall.js';

export interface FleetReading {
  rows: HostRow[];
  statuses: HostStatus[];
  summary: FleetSummary;
}

/**
 * The selected hosts as the state files under the home tell it (what `rootcast status` shows without
 * asking serve): each host's status, its deployed version where no install named one, its next PXE boot.
 */
export const readFleet = async (paths: HomePaths, hosts: readonly FleetHost[], now: Date, stall: StallPolicy, pxe?: ReadonlyMap<string, PxeNext>): Promise<FleetReading> => {
  const read = await Promise.all(
    hosts.map(async (host) => {
      const [status, record] = await Promise.all([readHostStatus(paths, host.name), readHostRecord(paths, host.name).catch(() => undefined)]);
      return { status, row: buildHostRow(host, status, now, stall, { ...(record?.deployed === undefined ? {} : { deployedRef: record.deployed.ref }), ...pxeExtras(pxe, host.name) }) };
    }),
  );
  const rows = read.map((each) => each.row);
  const statuses = read.map((each) => each.status);
  return { rows, statuses, summary: summariseFleet(rows, statuses, now, null) };
};


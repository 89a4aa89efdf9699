import type { FleetReading } from './read-fleet.js';
import { formatSummaryLine } from './summary-line.js';
import { formatStatusTable, statusCells } from './status-table.js';

/** Erase the screen and home the cursor: the next frame is drawn where the last one was. */
export const clearScreen = '\x1b[H\x1b[2J';
export const hideCursor = '\x1b[?25l';
export const showCursor = '\x1b[?25h';

/** The whole view: the table, a blank line, the summary line. */
export const formatStatusView = (reading: FleetReading): string => `${formatStatusTable(reading.rows)}\n\n${formatSummaryLine(reading.summary)}\n`;

/** What a piped `status --watch` has printed so far: each host's cells and the fleet's counts. */
export interface PlainWatchState {
  rows: Map<string, string>;
  counts: string;
}

/**
 * The lines a piped `status --watch` prints for a new reading (pure): the whole view the first time,
 * then one time-stamped line per host whose cells changed (the age of its last event aside), and the
 * summary when the counts or the stalled hosts changed.
 */
export const plainWatchLines = (reading: FleetReading, previous: PlainWatchState | undefined, now: Date): { text: string; state: PlainWatchState } => {
  const rows = new Map(reading.rows.map((row) => [row.host, statusCells({ ...row, ageSeconds: null }).join('  ')]));
  const counts = JSON.stringify([reading.summary.counts, reading.summary.stalled]);
  const state = { rows, counts };
  if (previous === undefined) return { text: formatStatusView(reading), state };
  const stamp = now.toISOString().slice(11, 19);
  const changed = [...rows].filter(([host, line]) => previous.rows.get(host) !== line).map(([, line]) => `${stamp}  ${line}`);
  if (counts !== previous.counts) changed.push(`${stamp}  ${formatSummaryLine(reading.summary)}`);
  return { text: changed.map((line) => `${line}\n`).join(''), state };
};

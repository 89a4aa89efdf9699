import { formatBytes, formatTable, shortenLine } from '../text/format.js';
import { formatDuration } from './duration.js';
import type { HostRow } from './host-row.js';
import { describePxeNext } from './pxe-next.js';

const dash = (value: string | null | undefined): string => (value === null || value === undefined || value === '' ? '-' : value);


/** The cells of one host's line (pure). */
export const statusCells = (row: HostRow): string[] => [
  row.host,
  row.image,
  row.stalled ? `${row.state} (stalled)` : row.state,
  dash(row.phase),
  row.percent === null ? '-' : `${Math.floor(row.percent)}%${row.bytes === null ? '' : ` ${formatBytes(row.bytes)}`}`,
  row.rate === null ? '-' : `${formatBytes(Math.round(row.rate))}/s`,
  row.etaSeconds === null ? '-' : formatDuration(row.etaSeconds),
  row.ageSeconds === null ? '-' : formatDuration(row.ageSeconds),
  // Only with a `pxe:` block in the inventory (then every row has one).
  ...(row.pxe === null ? [] : [describePxeNext(row.pxe)]),
  row.message === null ? '-' : shortenLine(row.message, 60),
];

/** The columns; PXE (the next network boot) only when the inventory has a `pxe:` block. */
export const statusHeaders = (withPxe: boolean): string[] => ['HOST', 'IMAGE', 'STATE', 'PHASE', 'PROGRESS', 'RATE', 'ETA', 'AGE', ...(withPxe ? ['PXE'] : []), 'MESSAGE'];

/** `rootcast status`: the table (pure). */
export const formatStatusTable = (rows: readonly HostRow[]): string => formatTable(statusHeaders(rows.some((row) => row.pxe !== null)), rows.map(statusCells));

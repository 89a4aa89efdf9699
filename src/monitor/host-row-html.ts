import { formatBytes, shortenLine } from '../text/format.js';
import { formatDuration } from './duration.js';
import type { HostRow } from './host-row.js';
import { describePxeNext, explainPxeNext, type PxeNext } from './pxe-next.js';
import { escapeHtml, token } from './html.js';

const cell = (label: string, content: string, extra = ''): string => `<td data-label="${label}"${extra}>${content}</td>`;

/** The progress bar of a row or a host page: a native meter-like bar readable without the script. */
export const progressHtml = (row: HostRow): string => {
  const percent = row.percent === null ? 0 : Math.max(0, Math.min(100, row.percent));
  const text = row.percent === null ? '-' : `${Math.floor(percent)}%`;
  return `<div class="progress"><div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${Math.floor(percent)}"><span style="width:${percent}%"></span></div><span class="pct">${text}</span></div>`;
};

export const stateBadge = (row: HostRow): string =>
  `<span class="badge state-${token(row.state)}">${escapeHtml(row.state)}</span>${row.stalled ? ' <span class="badge stalled">stalled</span>' : ''}`;

export const ageHtml = (row: HostRow): string =>
  row.lastEventAt === null ? '-' : `<time data-since="${escapeHtml(row.lastEventAt)}" datetime="${escapeHtml(row.lastEventAt)}">${formatDuration(row.ageSeconds ?? 0)}</time>`;

/** Characters of a message the fleet table shows; the whole text is the cell's tooltip (the host page shows it all). */
const messageWidth = 160;

/** The message cell: the failure's phase and reason, or the last message, on one shortened line. */
const messageHtml = (row: HostRow): string => {
  const full = row.failure === null ? (row.message ?? '') : row.failure.reason;
  const short = shortenLine(full, messageWidth);
  const text = row.failure === null ? escapeHtml(short) : `<strong>${escapeHtml(row.failure.phase)}:</strong> ${escapeHtml(short)}`;
  return short === full ? text : `<span title="${escapeHtml(full)}">${text}</span>`;
};

/** What the host's next network boot does, why in its tooltip. */
export const pxeHtml = (next: PxeNext): string =>
  `<span class="pxe-${token(next.kind)}" title="${escapeHtml(explainPxeNext(next))}">${escapeHtml(describePxeNext(next))}</span>`;

/** One row of the fleet table; the script swaps it whole when the host's state changes. */
export const hostRowHtml = (row: HostRow, hidden = false): string => {
  const classes = [`state-${token(row.state)}`, ...(row.stalled ? ['stalled'] : [])].join(' ');
  const message = messageHtml(row);
  return [
    `<tr id="host-${token(row.host)}" data-host="${escapeHtml(row.host)}" data-state="${escapeHtml(row.state)}" data-groups=" ${escapeHtml(row.groups.join(' '))} " class="${classes}"${hidden ? ' hidden' : ''}>`,
    cell('host', `<a href="/hosts/${encodeURIComponent(row.host)}">${escapeHtml(row.host)}</a>`, ' class="host"'),
    cell('image', escapeHtml(row.image)),
    cell('state', stateBadge(row)),
    cell('phase', escapeHtml(row.phase ?? '-')),
    cell('progress', progressHtml(row)),
    cell('rate', row.rate === null ? '-' : `${formatBytes(Math.round(row.rate))}/s`),
    cell('ETA', row.etaSeconds === null ? '-' : formatDuration(row.etaSeconds)),
    cell('last event', ageHtml(row)),
    ...(row.pxe === null ? [] : [cell('next PXE boot', pxeHtml(row.pxe), ' class="pxe"')]),
    cell('message', message, ' class="message"'),
    '</tr>',
  ].join('');
};

import type { StoredEvent } from '../protocol/host-event.js';
import type { HostStatus } from '../state/host-status.js';
import { formatBytes } from '../text/format.js';
import { formatDuration } from './duration.js';
import { formatEventLine } from './event-line.js';
import type { HostRow } from './host-row.js';
import { ageHtml, progressHtml, pxeHtml, stateBadge } from './host-row-html.js';
import { explainPxeNext } from './pxe-next.js';
import { escapeHtml } from './html.js';
import { pageFrame } from './page-frame.js';
import { layoutTimeline, renderTimeline } from './timeline.js';

export interface HostPageView {
  row: HostRow;
  status: HostStatus;
  /** The log shown: its install and its newest events. */
  log: { install: number | null; installs: readonly number[]; events: readonly StoredEvent[] };
  now: Date;
}

const fact = (label: string, value: string): string => `<dt>${label}</dt><dd>${value}</dd>`;

/** One line of the log tail; a failure's own log lines under it. */
export const logLineHtml = (event: StoredEvent): string => {
  const failed = event.kind === 'failed' || (event.kind === 'phase' && event.status === 'failed');
  const log = event.kind === 'phase' || event.kind === 'failed' ? (event.log ?? []) : [];
  const lines = log.length > 0 ? `<pre>${escapeHtml(log.join('\n'))}</pre>` : '';
  return `<li data-seq="${event.seq}"${failed ? ' class="failed"' : ''}>${escapeHtml(formatEventLine(event))}${lines}</li>`;
};

/** The part of the host page the event stream replaces: facts, failure, timeline. */
export const hostLiveHtml = (view: Pick<HostPageView, 'row' | 'status' | 'now'>): string => {
  const { row } = view;
  const failure = row.failure === null
    ? ''
    : `<div class="failure" id="failure"><h2>Failed in ${escapeHtml(row.failure.phase)}</h2><p class="reason">${escapeHtml(row.failure.reason)}</p>${row.failure.log.length === 0 ? '' : `<pre class="lines">${escapeHtml(row.failure.log.join('\n'))}</pre>`}</div>`;
  return `<dl class="facts">${[
    fact('state', stateBadge(row)),
    fact('image', escapeHtml(row.image)),
    fact('phase', escapeHtml(row.phase ?? '-')),
    fact('progress', progressHtml(row)),
    fact('rate', row.rate === null ? '-' : `${formatBytes(Math.round(row.rate))}/s`),
    fact('ETA', row.etaSeconds === null ? '-' : formatDuration(row.etaSeconds)),
    fact('last event', ageHtml(row)),
    fact('groups', escapeHtml(row.groups.join(', ') || '-')),
    ...(row.pxe === null ? [] : [fact('next PXE boot', `${pxeHtml(row.pxe)} <small>${escapeHtml(explainPxeNext(row.pxe))}</small>`)]),
  ].join('')}</dl>
${failure}
<h2>Timeline</h2>
${renderTimeline(layoutTimeline(view.status.installs, view.now))}`;
};

/** `GET /hosts/:host`: the host's state, its timeline of this and the last installs, and the log tail. */
export const renderHostPage = (view: HostPageView): string => {
  const { log } = view;
  const others = log.installs.filter((install) => install !== log.install).map((install) => `<a href="?install=${install}">#${install}</a>`);
  return pageFrame(
    `${view.row.host} · rootcast`,
    view.now,
    ` data-page="host" data-host="${escapeHtml(view.row.host)}"`,
    `<header><a href="/">← fleet</a><h1>${escapeHtml(view.row.host)}</h1><span id="conn">static</span></header>
<main>
<section id="live">${hostLiveHtml(view)}</section>
<h2>Log${log.install === null ? '' : ` of install #${log.install}`}</h2>
${others.length === 0 ? '' : `<p>Other installs: ${others.join(' ')}</p>`}
<ol id="log" class="log" data-install="${log.install ?? ''}">${log.events.map(logLineHtml).join('')}</ol>
${log.events.length === 0 ? '<p class="empty">No events recorded.</p>' : ''}
</main>`,
  );
};

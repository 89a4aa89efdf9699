import { hostStates } from '../state/host-status.js';
import type { FleetSummary } from './fleet-summary.js';
import type { HostRow } from './host-row.js';
import { hostRowHtml } from './host-row-html.js';
import { escapeHtml } from './html.js';
import { pageFrame } from './page-frame.js';
import { summaryPhrases } from './summary-line.js';

/** The dashboard's filter: a group, a state (or `stalled`); empty means all. */
export interface FleetFilter {
  group?: string;
  state?: string;
}

export interface FleetPageView {
  rows: readonly HostRow[];
  summary: FleetSummary;
  groups: readonly string[];
  filter: FleetFilter;
  now: Date;
}

export const summaryHtml = (summary: FleetSummary): string =>
  summaryPhrases(summary).map((phrase, index) => `<span>${index === 0 ? '' : '· '}${escapeHtml(phrase)}</span>`).join(' ');

export const rowMatches = (row: HostRow, filter: FleetFilter): boolean =>
  (filter.group === undefined || row.groups.includes(filter.group)) &&
  (filter.state === undefined || (filter.state === 'stalled' ? row.stalled : row.state === filter.state));

const options = (values: readonly string[], selected: string | undefined): string =>
  ['<option value="">all</option>', ...values.map((value) => `<option value="${escapeHtml(value)}"${value === selected ? ' selected' : ''}>${escapeHtml(value)}</option>`)].join('');

/** `GET /`: every host, the filtered-out ones hidden (the script shows them again when the filter changes). */
export const renderFleetPage = (view: FleetPageView): string =>
  pageFrame(
    'rootcast fleet',
    view.now,
    ' data-page="fleet"',
    `<header><h1>rootcast fleet</h1><p id="summary" class="summary">${summaryHtml(view.summary)}</p><span id="conn">static</span></header>
<main>
<form id="filters" class="filters" method="get" action="/">
<label>group <select name="group">${options(view.groups, view.filter.group)}</select></label>
<label>state <select name="state">${options([...hostStates, 'stalled'], view.filter.state)}</select></label>
<noscript><button type="submit">filter</button></noscript>
</form>
<table id="hosts"><thead><tr><th>host</th><th>image</th><th>state</th><th>phase</th><th>progress</th><th>rate</th><th>ETA</th><th>last event</th>${view.rows.some((row) => row.pxe !== null) ? '<th>next PXE boot</th>' : ''}<th>message</th></tr></thead>
<tbody>${view.rows.map((row) => hostRowHtml(row, !rowMatches(row, view.filter))).join('')}</tbody></table>
</main>`,
  );

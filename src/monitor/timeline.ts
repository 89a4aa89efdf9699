import type { InstallSummary, PhaseSpan } from '../state/host-status.js';
import { formatDuration } from './duration.js';
import { escapeHtml, token } from './html.js';

export interface TimelineBar {
  phase: PhaseSpan['phase'];
  result: PhaseSpan['result'];
  seconds: number;
  /** Position and length on the common scale, in percent of the longest install shown. */
  leftPercent: number;
  widthPercent: number;
  /** The longest bar of its install. */
  slowest: boolean;
}

export interface TimelineRow {
  install: number;
  via: string;
  ref: string | null;
  state: string;
  seconds: number;
  bars: TimelineBar[];
}

const round = (value: number): number => Math.round(value * 100) / 100;

/**
 * One row per install (newest first), one bar per phase, all on one time scale so a slow phase or a
 * slow install stands out (pure). A running phase counts up to `now`; a reboot that never ended in an
 * older install is left out.
 */
export const layoutTimeline = (installs: readonly InstallSummary[], now: Date): TimelineRow[] => {
  const measured = installs.map((summary, index) => {
    const spans = summary.spans.filter((span) => index === 0 || span.end !== undefined);
    // From the first bar: the wait for the installer to boot after its answer file is not a phase.
    const origin = spans.length === 0 ? Date.parse(summary.startedAt) : Math.min(...spans.map((span) => Date.parse(span.start)));
    const timed = spans.map((span) => {
      const start = (Date.parse(span.start) - origin) / 1000;
      const end = ((span.end === undefined ? now.getTime() : Date.parse(span.end)) - origin) / 1000;
      return { span, start, seconds: Math.max(0, end - start) };
    });
    return { summary, timed, seconds: Math.max(0, ...timed.map((bar) => bar.start + bar.seconds)) };
  });
  const scale = Math.max(1, ...measured.map((row) => row.seconds));
  return measured.map(({ summary, timed, seconds }) => {
    const longest = Math.max(0, ...timed.map((bar) => bar.seconds));
    return {
      install: summary.install,
      via: summary.via,
      ref: summary.ref ?? null,
      state: summary.state,
      seconds,
      bars: timed.map(({ span, start, seconds: length }) => ({
        phase: span.phase,
        result: span.result,
        seconds: length,
        leftPercent: round((start / scale) * 100),
        widthPercent: round(Math.max(0.4, (length / scale) * 100)),
        slowest: longest > 0 && length === longest,
      })),
    };
  });
};

const barHtml = (bar: TimelineBar): string => {
  const label = `${bar.phase} ${formatDuration(bar.seconds)}${bar.result === 'running' ? ' (running)' : bar.result === 'succeeded' ? '' : ` (${bar.result})`}`;
  const classes = ['bar', `phase-${token(bar.phase)}`, `result-${bar.result}`, ...(bar.slowest ? ['slowest'] : [])].join(' ');
  return `<div class="${classes}" data-phase="${escapeHtml(bar.phase)}" style="left:${bar.leftPercent}%;width:${bar.widthPercent}%" title="${escapeHtml(label)}"><span>${escapeHtml(label)}</span></div>`;
};

/** The timeline picture: CSS-positioned bars, readable without the script. */
export const renderTimeline = (rows: readonly TimelineRow[]): string => {
  if (rows.length === 0) return '<p class="empty">No install recorded yet.</p>';
  const rendered = rows.map((row, index) => {
    const title = `#${row.install}${index === 0 ? ' (current)' : ''} ${row.via}${row.ref === null ? '' : ` of ${row.ref}`} · ${row.state} · ${formatDuration(row.seconds)}`;
    return `<div class="install state-${token(row.state)}" data-install="${row.install}"><div class="label">${escapeHtml(title)}</div><div class="track">${row.bars.map(barHtml).join('')}</div></div>`;
  });
  return `<div class="timeline">${rendered.join('')}</div>`;
};

import { formatBytes } from '../text/format.js';
import { hostStates } from '../state/host-status.js';
import { formatDuration } from './duration.js';
import type { FleetSummary } from './fleet-summary.js';

/** The parts of the summary line, each a short phrase; the dashboard and the CLI join them their own way (pure). */
export const summaryPhrases = (summary: FleetSummary): string[] => {
  const counts = hostStates.filter((state) => summary.counts[state] > 0).map((state) => `${summary.counts[state]} ${state}`);
  const rate = summary.serverRate === null
    ? `hosts report ${formatBytes(Math.round(summary.reportedRate))}/s`
    : `image server ${formatBytes(Math.round(summary.serverRate))}/s (hosts report ${formatBytes(Math.round(summary.reportedRate))}/s)`;
  const slowest = summary.slowestPhase;
  return [
    `${summary.hosts} host${summary.hosts === 1 ? '' : 's'}: ${counts.length === 0 ? 'none' : counts.join(', ')}`,
    rate,
    slowest === null ? 'no phase timed yet' : `slowest phase: ${slowest.phase} on ${slowest.host} ${formatDuration(slowest.seconds)}${slowest.running ? ' (running)' : ''}`,
    summary.stalled.length === 0 ? 'none stalled' : `stalled: ${summary.stalled.join(', ')}`,
  ];
};

export const formatSummaryLine = (summary: FleetSummary): string => summaryPhrases(summary).join(' · ');

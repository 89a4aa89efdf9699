import type { InstallSummary } from '../state/host-status.js';

/** How long a host may stay silent before it is flagged as stalled (docs/monitor.md). */
export interface StallPolicy {
  /** While the runner runs: it reports at least every 2 s. @default 120000 */
  runnerMs: number;
  /** While the installer partitions and installs packages, which reports nothing until the runner starts. @default 3600000 */
  installerMs: number;
}

export const defaultStallPolicy: StallPolicy = { runnerMs: 120_000, installerMs: 3_600_000 };

/** A host is stalled when it is waiting, installing or updating and nothing was heard for longer than the policy allows (pure). */
export const isStalled = (summary: InstallSummary | undefined, now: Date, policy: StallPolicy): boolean => {
  if (summary === undefined || !['waiting', 'installing', 'updating'].includes(summary.state)) return false;
  const silentMs = now.getTime() - Date.parse(summary.lastEventAt);
  const quietPhase = summary.phase === 'answer-file' || summary.phase === 'installer';
  return silentMs > (quietPhase ? policy.installerMs : policy.runnerMs);
};

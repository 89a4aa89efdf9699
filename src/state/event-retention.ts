/** How much event history serve keeps per host (docs/monitor.md, "Storage and retention"). */
export interface EventRetention {
  /** Installs (and updates) whose logs and summaries are kept per host. @default 10 */
  keepInstalls: number;
  /** Bytes of event logs per host; older installs' logs go first, then progress events are no longer logged. @default 4 MiB */
  maxHostBytes: number;
  /** Room above `maxHostBytes` for the events that matter (phase ends, failures, done, booted). @default 256 KiB */
  reserveBytes: number;
}

export const defaultEventRetention: EventRetention = { keepInstalls: 10, maxHostBytes: 4 * 1024 * 1024, reserveBytes: 256 * 1024 };

/** What happens to an event that must fit into a host's byte budget (pure). */
export type BudgetVerdict = 'log' | 'drop-oldest' | 'thin' | 'refuse';

/**
 * `log` when it fits; `drop-oldest` while an older install's log can make room; then progress events
 * are only kept in the live status (`thin`) and other events use the reserve until it is gone (`refuse`).
 */
export const budgetVerdict = (retention: EventRetention, usedBytes: number, lineBytes: number, olderLogs: number, isProgress: boolean): BudgetVerdict => {
  if (usedBytes + lineBytes <= retention.maxHostBytes) return 'log';
  if (olderLogs > 0) return 'drop-oldest';
  if (isProgress) return 'thin';
  return usedBytes + lineBytes <= retention.maxHostBytes + retention.reserveBytes ? 'log' : 'refuse';
};

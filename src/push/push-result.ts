/** How one host's push or drift check ended. */
export type PushOutcome = 'updated' | 'unchanged' | 'drifted' | 'in-sync' | 'failed';

export interface HostPushResult {
  host: string;
  result: PushOutcome;
  from: string | null;
  ref: string | null;
  /** Paths changed (push) or differing (drift, dry run). */
  files: number;
  bytes: number;
  durationMs: number;
  rebootNeeded: boolean;
  /** Which runner files were uploaded first ("node", "runner.cjs"). */
  uploaded: string[];
  /** Why it failed: the error as the host or the connection reported it. */
  message?: string;
  /** The error code, for scripts (HOST_KEY_MISMATCH, UNREACHABLE, AUTH_FAILED...). */
  code?: string;
}

/** The stages a live view shows per host. */
export type PushStage = 'waiting' | 'connecting' | 'uploading' | 'updating' | 'checking';

/** Pure: whether the whole run failed (exit 1): any host failed, or (drift) any host drifted. */
export const pushFailed = (results: readonly HostPushResult[]): boolean =>
  results.some((result) => result.result === 'failed' || result.result === 'drifted');

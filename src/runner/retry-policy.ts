/** Bounded exponential backoff with jitter for transient failures (network, a busy or restarting server). */
export interface RetryPolicy {
  /** Total tries, the first included. @default 20 (19 waits: 7.5 minutes with the defaults below, 3.8 with the most jitter) */
  attempts: number;
  /** Delay after the first failure; doubles each time. @default 1000 */
  baseDelayMs: number;
  /** Upper bound of one delay. @default 30000 */
  maxDelayMs: number;
  /**
   * A number in [0, 1) per delay: each delay is scaled into [50 %, 100 %] of its backoff, so a rack
   * of hosts refused together does not come back together. @default Math.random
   */
  random?: () => number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 20, baseDelayMs: 1000, maxDelayMs: 30_000 };

/** Delay before try number `failedTries + 1`; 1 failed try → base, 2 → 2×base, ... capped, then jittered. */
export const retryDelayMs = (policy: RetryPolicy, failedTries: number): number => {
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedTries - 1));
  return policy.random === undefined ? backoff : Math.round(backoff * (0.5 + policy.random() / 2));
};

/** What one try produced: a value, a failure worth retrying, or a failure that retrying cannot fix. */
export type TryOutcome<T> =
  | { kind: 'done'; value: T }
  | { kind: 'transient'; reason: string }
  | { kind: 'fatal'; error: Error };

export interface RetryHooks {
  /** Resolves after `ms`, or at once when `signal` aborts (so an abandoned retry loop holds no timer). */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  onRetry?: (reason: string, failedTries: number, delayMs: number) => void;
}

/** The real `RetryHooks.sleep`: a timer that an abort clears. */
export const sleepUnlessAborted = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const wake = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', wake);
      resolve();
    }, ms);
    signal?.addEventListener('abort', wake, { once: true });
  });

/** Runs `attempt` until it is done, fatal, or the policy's tries are used up (then `exhausted` is thrown). */
export const retryWithBackoff = async <T>(
  policy: RetryPolicy,
  hooks: RetryHooks,
  attempt: (tryNumber: number) => Promise<TryOutcome<T>>,
  exhausted: (lastReason: string) => Error,
): Promise<T> => {
  let lastReason = 'no attempt was made';
  for (let tryNumber = 1; tryNumber <= policy.attempts; tryNumber += 1) {
    const outcome = await attempt(tryNumber);
    if (outcome.kind === 'done') return outcome.value;
    if (outcome.kind === 'fatal') throw outcome.error;
    lastReason = outcome.reason;
    if (tryNumber < policy.attempts) {
      const delay = retryDelayMs(policy, tryNumber);
      hooks.onRetry?.(outcome.reason, tryNumber, delay);
      await hooks.sleep(delay);
    }
  }
  throw exhausted(lastReason);
};

import { describeError } from '../errors/format-error.js';
import type { PxeNext } from '../monitor/pxe-next.js';

export type ReadPxeNext = () => Promise<ReadonlyMap<string, PxeNext>>;

export interface PxeNextCache {
  /** The hosts' next PXE boots, at most `maxAgeMs` old; undefined when the inventory has no `pxe:` block. */
  get(): Promise<ReadonlyMap<string, PxeNext> | undefined>;
  /** After a reload: the next `get` reads again. */
  clear(): void;
}

/**
 * The dashboard asks for every view and twice a second for its live feed; the choices change when serve
 * switches a host after `done` or an admin runs `rootcast pxe localboot/reinstall`, so a read every 2 s
 * shows those within 2 s. A read that fails keeps the last good answer and is logged once per reason.
 */
export const createPxeNextCache = (source: () => ReadPxeNext | undefined, nowMs: () => number, log: (line: string) => void, maxAgeMs = 2000): PxeNextCache => {
  let cached: { at: number; value: Promise<ReadonlyMap<string, PxeNext>> } | undefined;
  let lastGood: ReadonlyMap<string, PxeNext> = new Map();
  let lastProblem: string | undefined;
  return {
    get: async () => {
      const read = source();
      if (read === undefined) return undefined;
      const now = nowMs();
      if (cached === undefined || now - cached.at >= maxAgeMs) {
        const value = read().then(
          (map) => {
            lastGood = map;
            lastProblem = undefined;
            return map;
          },
          (error: unknown) => {
            const problem = describeError(error).message;
            if (problem !== lastProblem) log(`warning: the dashboard cannot tell the hosts' next PXE boot: ${problem}`);
            lastProblem = problem;
            return lastGood;
          },
        );
        cached = { at: now, value };
      }
      return cached.value;
    },
    clear: () => {
      cached = undefined;
    },
  };
};

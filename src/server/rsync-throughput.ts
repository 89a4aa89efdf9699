import { readFile } from 'node:fs/promises';

/** What the rsync daemons serving a transfer have written so far (their sockets included): /proc/<pid>/io `wchar`. */
export type ReadWrittenBytes = (pid: number) => Promise<number | undefined>;

export const readProcWrittenBytes: ReadWrittenBytes = async (pid) => {
  const text = await readFile(`/proc/${pid}/io`, 'utf8').catch(() => undefined);
  const match = text === undefined ? null : /^wchar:\s*(\d+)$/m.exec(text);
  return match === null ? undefined : Number(match[1]);
};

export interface ThroughputSampler {
  /** Samples the daemons now; returns bytes per second since the previous sample. */
  sample(pids: readonly number[]): Promise<number>;
  /** The last sampled rate (null before two samples). */
  latest(): number | null;
}

/**
 * The image server's aggregate throughput, measured where the bytes leave: the bytes each rsync
 * daemon wrote between two samples, summed over the daemons alive at both, over the time between.
 */
export const createThroughputSampler = (read: ReadWrittenBytes, nowMs: () => number): ThroughputSampler => {
  let previous = new Map<number, number>();
  let previousAt: number | undefined;
  let rate: number | null = null;
  return {
    sample: async (pids) => {
      const at = nowMs();
      const current = new Map<number, number>();
      await Promise.all(pids.map(async (pid) => {
        const bytes = await read(pid);
        if (bytes !== undefined) current.set(pid, bytes);
      }));
      let moved = 0;
      for (const [pid, bytes] of current) moved += Math.max(0, bytes - (previous.get(pid) ?? bytes));
      if (previousAt !== undefined && at > previousAt) rate = (moved * 1000) / (at - previousAt);
      previous = current;
      previousAt = at;
      return rate ?? 0;
    },
    latest: () => rate,
  };
};

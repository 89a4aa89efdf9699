/** One reading of rsync --info=progress2: bytes so far, whole-transfer percent, current rate. */
export interface RsyncProgress {
  bytes: number;
  percent: number;
  /** Bytes per second. */
  rate: number;
}

const rateUnits: Record<string, number> = { B: 1, kB: 1024, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

// "    123,456,789  45%   12.34MB/s    0:00:10 (xfr#12, to-chk=100/200)"
const progressLine = /^\s*([\d,.']+)\s+(\d{1,3})%\s+([\d.]+)([kKMGT]?B)\/s\b/;

/** Parses one progress2 line (LC_ALL=C: "," groups digits); anything else yields undefined. */
export const parseProgressLine = (line: string): RsyncProgress | undefined => {
  const match = progressLine.exec(line);
  if (match === null) return undefined;
  const [, bytes = '', percent = '', rate = '', unit = 'B'] = match;
  return {
    bytes: Number(bytes.replaceAll(/[,.']/g, '')),
    percent: Math.min(100, Number(percent)),
    rate: Math.round(Number(rate) * (rateUnits[unit] ?? 1)),
  };
};

/** Lets a reading through at most once per interval, so events stay few on a fast link. */
export const createProgressThrottle = (intervalMs: number, now: () => number): ((progress: RsyncProgress) => boolean) => {
  let last = Number.NEGATIVE_INFINITY;
  return () => {
    const at = now();
    if (at - last < intervalMs) return false;
    last = at;
    return true;
  };
};

/**
 * A stdout line handler for an rsync with --info=progress2: each reading, at most once per interval, goes
 * to `report` (the deploy's pulls and an update's passes report the same way).
 */
export const progressReporter = (intervalMs: number, now: () => number, report: (progress: RsyncProgress) => void): ((line: string) => void) => {
  const throttle = createProgressThrottle(intervalMs, now);
  return (line) => {
    const progress = parseProgressLine(line);
    if (progress !== undefined && throttle(progress)) report(progress);
  };
};

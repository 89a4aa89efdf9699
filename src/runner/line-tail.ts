/** The last lines something wrote, kept in memory: what a failed event carries. */
export interface LineTail {
  push(line: string): void;
  /** Oldest first. */
  lines(): string[];
}

/** Keeps at most `limit` lines (a failed event takes at most 50: hostEventLimits.logLines). */
export const createLineTail = (limit: number): LineTail => {
  const kept: string[] = [];
  return {
    push: (line) => {
      kept.push(line);
      if (kept.length > limit) kept.splice(0, kept.length - limit);
    },
    lines: () => [...kept],
  };
};

const unitMs = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export type DurationParse = { ok: true; ms: number } | { ok: false; problem: string };

/** `90s`, `30m`, `24h`, `7d`: whole numbers with one unit, so nobody wonders whether "1.5h" or "1h30m" works. */
export const parseDuration = (text: string): DurationParse => {
  const match = /^(\d{1,6})(s|m|h|d)$/.exec(text.trim());
  if (match === null || Number(match[1]) === 0) {
    return { ok: false, problem: `"${text}" is not a duration like 90s, 30m, 24h or 7d` };
  }
  return { ok: true, ms: Number(match[1]) * unitMs[match[2] as keyof typeof unitMs] };
};

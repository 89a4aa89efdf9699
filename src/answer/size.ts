export type SizeParse = { ok: true; mib: number } | { ok: false; problem: string };

const unitMiB = { MiB: 1, GiB: 1024, TiB: 1024 * 1024 } as const;
const sizeText = /^(\d+)\s*(MiB|GiB|TiB)$/;

/**
 * Parses a layout size: a whole number of MiB or `<n>MiB|GiB|TiB`. Decimal units (MB, GB) are
 * refused on purpose: installers disagree on them (partman's MB is 10^6 bytes, Anaconda's is MiB).
 */
export const parseSizeMiB = (value: unknown): SizeParse => {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value > 0) return { ok: true, mib: value };
    return { ok: false, problem: `${value} is not a positive whole number of MiB` };
  }
  if (typeof value === 'string') {
    const match = sizeText.exec(value.trim());
    if (match !== null) {
      const mib = Number(match[1]) * unitMiB[match[2] as keyof typeof unitMiB];
      if (mib > 0) return { ok: true, mib };
      return { ok: false, problem: `"${value}" is not a positive size` };
    }
  }
  return { ok: false, problem: `${JSON.stringify(value)} is not a size (use a number of MiB or e.g. "512MiB", "20GiB", "1TiB")` };
};

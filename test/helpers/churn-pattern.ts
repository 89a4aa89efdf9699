/** What the churn process writes, shared by it and the tests that check what a capture stored. */

/** data/gen.bin's size: big enough that rsync's read of it overlaps a rewrite. */
export const generationFileBytes = 4 * 1024 * 1024;
/** How many small files srv/churn holds at any time. */
export const churnFileCount = 1500;

const recordBytes = 16;

/** 64 KiB of 16-byte `gen 00000000042\n` records: every record of a whole file names the same generation. */
export const generationChunk = (generation: number): Buffer => {
  const record = `gen ${String(generation).padStart(recordBytes - 5, '0')}\n`;
  return Buffer.from(record.repeat((64 * 1024) / record.length));
};

/** The distinct generations in a stored gen.bin: one for a whole file, two or more for a torn one (0: never written). */
export const generationsIn = (content: Buffer): Set<string> => {
  const seen = new Set<string>();
  for (let offset = 0; offset < content.length; offset += recordBytes) seen.add(content.subarray(offset, offset + recordBytes).toString('latin1'));
  return seen;
};

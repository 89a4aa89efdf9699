/** How much of a child's output is kept: enough for any report or stats block, not every progress redraw. */
export const maxKeptChars = 4 * 1024 * 1024;

/** Appends and keeps only the tail, so a chatty child (rsync --info=progress2) cannot exhaust memory. */
export const appendBounded = (kept: string, chunk: string, limit = maxKeptChars): string => {
  const joined = kept + chunk;
  return joined.length > limit ? joined.slice(joined.length - limit) : joined;
};

/** Plain-text renderings shared by every part (byte counts, tables, dry-run notes); pure. */

/** Plain aligned columns, the way `ls -l`-style listings read in a terminal. */
export const formatTable = (headers: readonly string[], rows: readonly (readonly string[])[]): string => {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
};

/** Human-readable byte counts (binary units), for listings and progress. */
export const formatBytes = (bytes: number): string => {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
};

/** Prefix for --dry-run output so it cannot be mistaken for a performed action. */
export const dryRunNote = (text: string): string => `dry-run: ${text}`;

/** One line of at most `width` characters, whitespace runs folded, "…" where it was cut (messages may hold anything a runner said). */
export const shortenLine = (text: string, width: number): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= width ? flat : `${flat.slice(0, width - 1)}…`;
};

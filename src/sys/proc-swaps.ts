import { unescapeOctal } from './mount-table.js';

/** Pure: the swap files (not partitions) /proc/swaps lists as active; its octal escapes (`\040` for a space) undone. */
export const activeSwapFiles = (text: string): string[] =>
  text
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[1] === 'file' && (fields[0] ?? '').startsWith('/'))
    .map((fields) => unescapeOctal(fields[0] as string));

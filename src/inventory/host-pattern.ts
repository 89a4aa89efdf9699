/** The most host names one pattern may produce; more is almost certainly a typo (`web[1-100000]`). */
export const maxPatternHosts = 10_000;

export type PatternExpansion = { ok: true; names: string[] } | { ok: false; problem: string };

interface NumericRange {
  start: number;
  end: number;
  width: number;
}

type Part = { kind: 'text'; text: string } | { kind: 'range'; range: NumericRange };

/** True when a hosts key is a range pattern (`web[01-99]`) rather than one host name. */
export const isHostPattern = (key: string): boolean => key.includes('[') || key.includes(']');

/**
 * Expands `web[01-03]` to web01, web02, web03; several bracket groups give their cartesian product
 * (`rack[1-2]-n[01-02]`), zero padding is kept from the pattern. A plain name expands to itself.
 */
export const expandHostPattern = (pattern: string): PatternExpansion => {
  const parsed = parsePattern(pattern);
  if (typeof parsed === 'string') return { ok: false, problem: `"${pattern}": ${parsed}` };
  let count = 1;
  for (const part of parsed) if (part.kind === 'range') count *= part.range.end - part.range.start + 1;
  if (count > maxPatternHosts) {
    return { ok: false, problem: `"${pattern}" expands to ${count} hosts; at most ${maxPatternHosts} are allowed` };
  }
  let names = [''];
  for (const part of parsed) {
    const suffixes = part.kind === 'text' ? [part.text] : rangeValues(part.range);
    names = names.flatMap((prefix) => suffixes.map((suffix) => prefix + suffix));
  }
  return { ok: true, names };
};

const rangeValues = ({ start, end, width }: NumericRange): string[] =>
  Array.from({ length: end - start + 1 }, (_, offset) => String(start + offset).padStart(width, '0'));

const parsePattern = (pattern: string): Part[] | string => {
  const parts: Part[] = [];
  let rest = pattern;
  while (rest !== '') {
    const open = rest.indexOf('[');
    const close = rest.indexOf(']');
    if (open === -1) {
      if (close !== -1) return 'has "]" without a matching "["';
      parts.push({ kind: 'text', text: rest });
      break;
    }
    if (close !== -1 && close < open) return 'has "]" without a matching "["';
    if (close === -1) return 'has "[" without a closing "]"';
    if (open > 0) parts.push({ kind: 'text', text: rest.slice(0, open) });
    const body = rest.slice(open + 1, close);
    if (body.includes('[')) return 'has a "[" inside brackets';
    const range = parseRange(body);
    if (typeof range === 'string') return range;
    parts.push({ kind: 'range', range });
    rest = rest.slice(close + 1);
  }
  return parts;
};

const parseRange = (body: string): NumericRange | string => {
  const match = /^(\d+)-(\d+)$/.exec(body);
  if (match === null) return `"[${body}]" is not a numeric range like [01-99]`;
  const [, startText = '', endText = ''] = match;
  const start = Number(startText);
  const end = Number(endText);
  if (end < start) return `range [${body}] runs backwards (${startText} > ${endText})`;
  const padded = (text: string): boolean => text.length > 1 && text.startsWith('0');
  if ((padded(startText) || padded(endText)) && startText.length !== endText.length) {
    return `range [${body}] mixes paddings; write both ends with the same number of digits`;
  }
  return { start, end, width: padded(startText) ? startText.length : 0 };
};

interface NumberedName {
  name: string;
  prefix: string;
  digits: string;
}

/** `web01` → prefix `web`, digits `01`; a name without trailing digits has none. */
const splitNumber = (name: string): NumberedName => {
  const match = /^(.*?)(\d+)$/.exec(name);
  return { name, prefix: match?.[1] ?? name, digits: match?.[2] ?? '' };
};

/** The run key of a numbered name: its prefix and, for zero-padded numbers, their width. */
const runKey = ({ prefix, digits }: NumberedName): string => `${prefix}\0${digits.length > 1 && digits.startsWith('0') ? digits.length : 0}`;

/**
 * The inverse of expandHostPattern, for messages: names whose numbers run on (three or more) become one
 * range, `web01, web02, web03, db1` → `web[01-03], db1`; every other name stays as it is, in first-seen order.
 */
export const compressHostNames = (names: readonly string[]): string[] => {
  const numbered = [...new Set(names)].map(splitNumber);
  // A number as wide as a padded run of its prefix (web10 beside web09) belongs to that run.
  const paddedWidths = new Set(numbered.filter((entry) => entry.digits.length > 1 && entry.digits.startsWith('0')).map((entry) => `${entry.prefix}\0${entry.digits.length}`));
  const keyOf = (entry: NumberedName): string => (paddedWidths.has(`${entry.prefix}\0${entry.digits.length}`) ? `${entry.prefix}\0${entry.digits.length}` : runKey(entry));
  const runs = new Map<string, NumberedName[]>();
  for (const entry of numbered) {
    if (entry.digits === '') continue;
    runs.set(keyOf(entry), [...(runs.get(keyOf(entry)) ?? []), entry]);
  }
  const shownAs = new Map<string, string>();
  for (const [key, entries] of runs) {
    const width = Number(key.split('\0')[1]);
    const sorted = [...entries].sort((a, b) => Number(a.digits) - Number(b.digits));
    let start = 0;
    for (let index = 1; index <= sorted.length; index += 1) {
      const previous = sorted[index - 1] as NumberedName;
      const current = sorted[index];
      if (current !== undefined && Number(current.digits) === Number(previous.digits) + 1) continue;
      const run = sorted.slice(start, index);
      const first = run[0] as NumberedName;
      const text = run.length < 3 ? undefined : `${first.prefix}[${first.digits.padStart(width, '0')}-${previous.digits.padStart(width, '0')}]`;
      for (const entry of run) shownAs.set(entry.name, text ?? entry.name);
      start = index;
    }
  }
  return [...new Set(numbered.map((entry) => shownAs.get(entry.name) ?? entry.name))];
};

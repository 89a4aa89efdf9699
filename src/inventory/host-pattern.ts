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

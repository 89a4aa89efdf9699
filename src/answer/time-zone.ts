import { closestWord } from '../inventory/names.js';

// IDs ICU accepts that are not IANA tz names (no zone file on the installed system): its SystemV/ zones and
// Java's three-letter IDs. EST, MST and HST are real IANA names and stay valid.
const icuOnlyIds = new Set(['ACT', 'AET', 'AGT', 'ART', 'AST', 'BET', 'BST', 'CAT', 'CNT', 'CST', 'CTT', 'EAT', 'ECT', 'IET', 'IST', 'JST', 'MIT', 'NET', 'NST', 'PLT', 'PNT', 'PRT', 'PST', 'SST', 'VST']);

/**
 * The zone's canonical ID when ICU knows it, else undefined. ICU's zone data ships inside Node, so the check does
 * not depend on the server's tzdata; it knows every IANA zone and link (UTC, Etc/UTC, Asia/Kolkata) but matches
 * them case-insensitively.
 */
const canonicalZone = (name: string): string | undefined => {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
};

/** Written as IANA writes it: the canonical spelling, or (for a link ICU maps to another zone) each part capitalised. */
const spelledRight = (name: string, canonical: string): boolean =>
  canonical.toLowerCase() === name.toLowerCase() ? canonical === name : name.split('/').every((part) => /^[A-Z]/.test(part));

const isIanaName = (name: string): boolean => {
  const canonical = canonicalZone(name);
  return canonical !== undefined && spelledRight(name, canonical) && !icuOnlyIds.has(name.toUpperCase()) && !name.toLowerCase().startsWith('systemv/');
};

/** A valid name close to `name`: its right spelling, a near miss among the zones, or the name capitalised. */
const suggestionFor = (name: string): string | undefined => {
  const canonical = canonicalZone(name);
  if (canonical !== undefined && canonical.toLowerCase() === name.toLowerCase()) return canonical;
  // supportedValuesOf lists canonical zones only (not UTC or Etc/UTC): enough for near misses.
  const near = closestWord(name, [...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC']);
  if (near !== undefined) return near;
  const capitalised = name.split('/').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('/');
  return capitalised !== name && isIanaName(capitalised) ? capitalised : undefined;
};

/** Why `name` is not an IANA time zone name the installers accept (`Europe/Berlin`, `Etc/UTC`, `UTC`), or undefined. */
export const timeZoneProblem = (name: string): string | undefined => {
  if (isIanaName(name)) return undefined;
  const candidate = suggestionFor(name);
  const suggestion = candidate !== undefined && candidate !== name && isIanaName(candidate) ? candidate : undefined;
  return `"${name}" is not an IANA time zone name like Europe/Berlin or Etc/UTC${suggestion === undefined ? '' : `; did you mean ${suggestion}?`}`;
};

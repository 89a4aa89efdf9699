/**
 * The checks of the options the runner and `update` both take (--server, --retries, --bwlimit), one rule each;
 * a problem is pushed onto `problems` (the caller reports them all at once) and names the flag and the value.
 */

/** More tries than this is a typo, not a policy: with the 30 s back-off cap, 1,000 tries already wait over 8 hours. */
export const maxRetries = 1000;

/** A whole number within `min`..`max` (no sign, no exponent, no fraction), or NaN with the problem noted. */
export const checkWholeNumber = (flag: string, text: string, { min, max, unit }: { min: number; max?: number; unit?: string }, problems: string[]): number => {
  const value = Number(text);
  if (/^\d+$/.test(text) && value >= min && (max === undefined || value <= max)) return value;
  problems.push(`${flag} "${text}" is not a whole number${unit === undefined ? '' : ` of ${unit}`} from ${min}${max === undefined ? '' : ` to ${max}`}`);
  return Number.NaN;
};

/** The server's base URL (http or https, a host), its trailing slashes dropped; as typed with the problem noted otherwise. */
export const checkServerUrl = (flag: string, text: string, problems: string[]): string => {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.host === '') {
    problems.push(`${flag} "${text}" is not an http:// or https:// URL`);
    return text;
  }
  return text.replace(/\/+$/, '');
};

/** --retries: tries for each network operation. */
export const checkRetries = (text: string, problems: string[]): number => checkWholeNumber('--retries', text, { min: 1, max: maxRetries }, problems);

/** --bwlimit: KiB/s for the passes (rsync's own unit). */
export const checkBwlimit = (text: string, problems: string[]): number => checkWholeNumber('--bwlimit', text, { min: 1, unit: 'KiB/s' }, problems);

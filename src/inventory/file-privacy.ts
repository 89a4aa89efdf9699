import { plainValue } from './source.js';
import { formatPlace, type InventoryIssue, type IssuePath } from './issue.js';
import { documentLocator, type InventorySource } from './source.js';

/** Settings that are secrets wherever they appear (an `install:` block at any level). */
const secretKeys: ReadonlySet<string> = new Set(['rootPasswordHash']);

/** Var names that say they hold a secret: vars may hold anything, and templates copy them onto hosts. */
const secretVarName = /password|passwd|passphrase|secret|token|private_?key|api_?key|credential/i;

const isPlainMap = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Paths of every secret-looking setting in the document, in document order. */
export const findSecretSettings = (source: InventorySource): IssuePath[] => {
  const found: IssuePath[] = [];
  const visit = (value: unknown, path: IssuePath): void => {
    if (Array.isArray(value)) value.forEach((item, index) => visit(item, [...path, index]));
    if (!isPlainMap(value)) return;
    for (const [key, child] of Object.entries(value)) {
      if (secretKeys.has(key) && child !== null && child !== '') found.push([...path, key]);
      if (key === 'vars' && isPlainMap(child)) {
        for (const name of Object.keys(child)) if (secretVarName.test(name)) found.push([...path, key, name]);
      }
      visit(child, [...path, key]);
    }
  };
  visit(plainValue(source), []);
  return found;
};

const octal = (mode: number): string => (mode & 0o7777).toString(8).padStart(4, '0');

/** At most this many secrets are named; the count says how many more. */
const namedSecrets = 3;

/**
 * File-level warnings about who else can use the inventory: every user may read it while it holds a
 * secret, or every user may change it (which image each host installs, root's password). `mode` is
 * the file's permission bits, undefined when it does not exist. Pure.
 */
export const inventoryFileWarnings = (file: string, mode: number | undefined, source: InventorySource): InventoryIssue[] => {
  if (mode === undefined) return [];
  const fix = `run "chmod 600 ${file}"`;
  const warnings: InventoryIssue[] = [];
  const secrets = (mode & 0o004) === 0 ? [] : findSecretSettings(source);
  if (secrets.length > 0) {
    const locate = documentLocator(source);
    const places = secrets.slice(0, namedSecrets).map((path) => formatPlace(path, locate(path)));
    const more = secrets.length > namedSecrets ? ` and ${secrets.length - namedSecrets} more` : '';
    warnings.push({
      severity: 'warning',
      path: [],
      message: `the inventory ${file} is readable by every user (mode ${octal(mode)}) and holds secrets: ${places.join(', ')}${more}; ${fix}`,
    });
  }
  if ((mode & 0o002) !== 0) {
    warnings.push({ severity: 'warning', path: [], message: `the inventory ${file} can be changed by every user (mode ${octal(mode)}): they decide what every host installs; ${fix}` });
  }
  return warnings;
};

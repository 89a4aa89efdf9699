import type { ZodIssue } from 'zod';
import type { InventoryIssue, IssuePath } from './issue.js';
import { closestWord } from './names.js';
import { knownKeys } from './schema.js';

const typeWords: Record<string, string> = {
  string: 'a string',
  array: 'a list',
  object: 'a map',
  number: 'a number',
  boolean: 'true or false',
  null: 'nothing',
};

const describeValue = (value: unknown): string => {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return `${typeof value} ${JSON.stringify(value)}`;
};

/** The raw value at a path of the document's plain JS value. */
export const valueAt = (root: unknown, path: IssuePath): unknown => {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
};

const keysFor = (path: IssuePath): readonly string[] => {
  if (path.length === 0) return knownKeys.top;
  const section = path[0];
  if (path.length === 2 && (section === 'networks' || section === 'images' || section === 'groups' || section === 'hosts')) {
    return knownKeys[section];
  }
  if (path.length === 1 && (section === 'install' || section === 'server' || section === 'pxe')) return knownKeys[section];
  if (path.length === 3 && section === 'pxe' && path[1] === 'installers') return knownKeys.pxeInstaller;
  if (path.length === 2 && section === 'server' && path[1] === 'monitor') return knownKeys.monitor;
  // An install or identity block inside an image, group or host entry.
  if (path.length === 3 && path[2] === 'install') return knownKeys.install;
  if (path.length === 3 && path[2] === 'identity') return knownKeys.identity;
  return [];
};

const unknownKeyIssues = (path: IssuePath, keys: readonly string[]): InventoryIssue[] =>
  keys.map((key) => {
    const known = keysFor(path);
    const suggestion = closestWord(key, known);
    const advice = suggestion === undefined ? `known keys: ${known.join(', ')}` : `did you mean "${suggestion}"?`;
    return { severity: 'error', path: [...path, key], message: `unknown key "${key}" (${advice})` };
  });

const typeIssue = (issue: Extract<ZodIssue, { code: 'invalid_type' }>, root: unknown): InventoryIssue => {
  const path = issue.path;
  if (issue.received === 'undefined') return { severity: 'error', path, message: 'is required' };
  const value = valueAt(root, path);
  const expected = typeWords[issue.expected] ?? issue.expected;
  // Digits-only MACs and versions like 9.0 parse as numbers in YAML; quoting keeps them strings.
  const quote = issue.expected === 'string' && (typeof value === 'number' || typeof value === 'boolean') ? '; quote it' : '';
  return { severity: 'error', path, message: `expected ${expected}, got ${describeValue(value)}${quote}` };
};

/** Turns zod's shape errors into inventory issues (lines are added by the caller). */
export const shapeIssues = (issues: readonly ZodIssue[], root: unknown, prefix: IssuePath = []): InventoryIssue[] =>
  issues.flatMap((relative): InventoryIssue[] => {
    const issue = { ...relative, path: [...prefix, ...relative.path] } as ZodIssue;
    switch (issue.code) {
      case 'unrecognized_keys':
        return unknownKeyIssues(issue.path, issue.keys);
      case 'invalid_type':
        return [typeIssue(issue, root)];
      default:
        return [{ severity: 'error', path: issue.path, message: issue.message }];
    }
  });

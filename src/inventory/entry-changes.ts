import { RootcastError } from '../errors/rootcast-error.js';
import { parseVarAssignments, parseVarNames } from './arguments.js';

/** How `set` edits a list setting (groups, MACs): leave it, replace it, or add and remove single items. */
export type ListChange = { kind: 'keep' } | { kind: 'replace'; items: string[] } | { kind: 'edit'; add: string[]; remove: string[] };

const usage = (message: string): RootcastError => new RootcastError('USAGE', message);

/** `--group` replaces the list; `--add-group`/`--remove-group` edit it; the two ways do not mix. */
export const parseListChange = (option: string, replace: readonly string[], add: readonly string[], remove: readonly string[]): ListChange => {
  if (replace.length > 0 && add.length + remove.length > 0) {
    throw usage(`--${option} replaces the whole list; it cannot be combined with --add-${option} or --remove-${option}`);
  }
  const both = add.find((item) => remove.includes(item));
  if (both !== undefined) throw usage(`--add-${option} and --remove-${option} both name ${both}`);
  if (replace.length > 0) return { kind: 'replace', items: [...new Set(replace)] };
  if (add.length + remove.length > 0) return { kind: 'edit', add: [...new Set(add)], remove: [...new Set(remove)] };
  return { kind: 'keep' };
};

/** The list after the change: removed items go, added ones are appended unless present. */
export const applyListChange = (current: readonly string[], change: ListChange): string[] => {
  if (change.kind === 'keep') return [...current];
  if (change.kind === 'replace') return [...change.items];
  const kept = current.filter((item) => !change.remove.includes(item));
  return [...kept, ...change.add.filter((item) => !kept.includes(item))];
};

/** `--var k=v` and `--unset-var k` for one `set`. */
export interface VarChanges {
  set: Record<string, string>;
  unset: string[];
}

export const parseVarChanges = (assignments: readonly string[], unsetNames: readonly string[]): VarChanges => {
  const set = parseVarAssignments(assignments);
  const unset = parseVarNames(unsetNames);
  const both = unset.find((name) => Object.hasOwn(set, name));
  if (both !== undefined) throw usage(`--var ${both}=... and --unset-var ${both} contradict each other`);
  return { set, unset };
};

/** Var changes as the document edit takes them: a value sets, null removes. */
export const varDocumentChanges = (changes: VarChanges): Record<string, string | null> => ({
  ...changes.set,
  ...Object.fromEntries(changes.unset.map((name) => [name, null])),
});

export const hasVarChanges = (changes: VarChanges): boolean => Object.keys(changes.set).length + changes.unset.length > 0;

/** `set` with no option changes nothing: most likely a forgotten option. */
export const nothingToSetError = (command: string, options: string): RootcastError =>
  new RootcastError('USAGE', `${command}: nothing to change`, { hint: `give at least one of ${options}` });

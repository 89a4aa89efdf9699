import type { ZodType, ZodTypeDef } from 'zod';
import type { InventoryIssue, IssuePath } from './issue.js';
import { mtuProblem } from './identity-settings.js';
import { domainProblem, interfaceNameProblem, varNameProblem } from './names.js';
import type { IdentitySettings } from './schema.js';
import { shapeIssues, valueAt } from './shape-issues.js';
import type { Locator } from './source.js';

/** What the normalising steps share: the raw document value, a line finder and the issues found so far. */
export interface NormaliseContext {
  root: unknown;
  locate: Locator;
  issues: InventoryIssue[];
}

export const addError = (ctx: NormaliseContext, path: IssuePath, message: string): void => {
  ctx.issues.push({ severity: 'error', path, message });
};

export const addWarning = (ctx: NormaliseContext, path: IssuePath, message: string): void => {
  ctx.issues.push({ severity: 'warning', path, message });
};

/** Checks one entry's shape; an entry written as `name:` (nothing) is an empty map. */
export const parseEntry = <T>(ctx: NormaliseContext, schema: ZodType<T, ZodTypeDef, unknown>, value: unknown, path: IssuePath): T | undefined => {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  ctx.issues.push(...shapeIssues(result.error.issues, ctx.root, path));
  return undefined;
};

/** The image name part of a reference: `web@3` → `web`. */
export const imageNameOf = (ref: string): string => ref.split('@')[0] ?? ref;

/** Keeps vars whose names templates can use; reports the others. */
export const checkVars = (ctx: NormaliseContext, vars: Record<string, unknown> | undefined, path: IssuePath): Record<string, unknown> => {
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(vars ?? {})) {
    const problem = varNameProblem(name);
    if (problem === undefined) kept[name] = value;
    else addError(ctx, [...path, name], problem);
  }
  return kept;
};

/** Reports the bad values of an `identity:` block (its shape is the schema's), each at its own path. */
export const checkIdentity = (ctx: NormaliseContext, identity: IdentitySettings | undefined, path: IssuePath): void => {
  const at = [...path, 'identity'];
  const interfaceProblem = identity?.interface === undefined ? undefined : interfaceNameProblem(identity.interface);
  if (interfaceProblem !== undefined) addError(ctx, [...at, 'interface'], interfaceProblem);
  const mtu = identity?.mtu === undefined ? undefined : mtuProblem(identity.mtu);
  if (mtu !== undefined) addError(ctx, [...at, 'mtu'], mtu);
  identity?.searchDomains?.forEach((domain, index) => {
    const problem = domainProblem(domain);
    if (problem !== undefined) addError(ctx, itemPath(ctx, [...at, 'searchDomains'], index), problem);
  });
};

/** The keys of a section in file order, ignoring a section written as `hosts:` with nothing. */
export const sectionEntries = (section: Record<string, unknown> | null | undefined): [string, unknown][] =>
  Object.entries(section ?? {});

/** `{key: value}` when value is defined, else `{}`: keeps absent settings out of JSON output. */
export const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

/** The path of a list item, or of the list itself when it was written as one string (`dns: 10.0.0.1`). */
export const itemPath = (ctx: NormaliseContext, listPath: IssuePath, index: number): IssuePath =>
  Array.isArray(valueAt(ctx.root, listPath)) ? [...listPath, index] : listPath;

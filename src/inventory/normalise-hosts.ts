import { imageRefProblem } from '../image/ref.js';
import { expandHostPattern, isHostPattern } from './host-pattern.js';
import { allocateIpv4 } from './ipv4.js';
import type { IssuePath } from './issue.js';
import { normaliseMac } from './mac.js';
import { hostNameProblem } from './names.js';
import { addError, addWarning, checkIdentity, checkVars, itemPath, optional, parseEntry, sectionEntries, type NormaliseContext } from './normalise-context.js';
import { hostSchema, type RawHost } from './schema.js';
import type { HostDef } from './types.js';

/** Expands every hosts key (a name or a range) into one HostDef per host, in file order. */
export const normaliseHosts = (ctx: NormaliseContext, section: Record<string, unknown> | null | undefined): HostDef[] =>
  sectionEntries(section).flatMap(([key, value]) => normaliseHostEntry(ctx, key, value));

const normaliseHostEntry = (ctx: NormaliseContext, key: string, value: unknown): HostDef[] => {
  const path = ['hosts', key];
  const names = expandNames(ctx, key, path);
  const raw = parseEntry(ctx, hostSchema, value, path);
  if (names === undefined || raw === undefined) return [];
  const macs = normaliseMacs(ctx, raw, path);
  if (macs.length > 0 && names.length > 1) {
    addError(ctx, [...path, raw.macs === undefined ? 'mac' : 'macs'], `a range of ${names.length} hosts cannot share MAC addresses; give each host its own entry`);
  }
  const ips = allocateAddresses(ctx, raw.ip, names.length, [...path, 'ip']);
  const image = raw.image !== undefined && imageRefProblem(raw.image) === undefined ? raw.image : undefined;
  if (raw.image !== undefined && image === undefined) addError(ctx, [...path, 'image'], imageRefProblem(raw.image) ?? '');
  const groups = raw.groups ?? [];
  groups.forEach((group, index) => {
    if (groups.indexOf(group) !== index) addWarning(ctx, itemPath(ctx, [...path, 'groups'], index), `group "${group}" is listed twice; the first place counts`);
  });
  const vars = checkVars(ctx, raw.vars, [...path, 'vars']);
  checkIdentity(ctx, raw.identity, path);
  const source = { key, fromRange: isHostPattern(key), ...optional('line', ctx.locate(path)) };
  return names.map((name, index) => ({
    name,
    macs: names.length === 1 ? macs : [],
    groups: [...new Set(groups)],
    vars,
    source,
    ...optional('ip', ips?.[index]),
    ...optional('image', image),
    ...optional('network', raw.network),
    ...optional('install', raw.install),
    ...optional('identity', raw.identity),
    ...optional('description', raw.description),
  }));
};

const expandNames = (ctx: NormaliseContext, key: string, path: IssuePath): string[] | undefined => {
  const expansion = expandHostPattern(key);
  if (!expansion.ok) {
    addError(ctx, path, expansion.problem);
    return undefined;
  }
  // One bad name usually means the whole pattern is wrong; report it once.
  const problem = expansion.names.map(hostNameProblem).find((found) => found !== undefined);
  if (problem !== undefined) {
    addError(ctx, path, problem);
    return undefined;
  }
  return expansion.names;
};

const normaliseMacs = (ctx: NormaliseContext, raw: RawHost, path: IssuePath): string[] => {
  if (raw.mac !== undefined && raw.macs !== undefined) {
    addError(ctx, [...path, 'macs'], 'set either "mac" or "macs", not both');
    return [];
  }
  const written = raw.mac === undefined ? (raw.macs ?? []) : [raw.mac];
  const macs: string[] = [];
  written.forEach((text, index) => {
    const macPath = raw.mac === undefined ? [...path, 'macs', index] : [...path, 'mac'];
    const parsed = normaliseMac(text);
    if (!parsed.ok) addError(ctx, macPath, parsed.problem);
    else if (macs.includes(parsed.mac)) addError(ctx, macPath, `${parsed.mac} is listed twice`);
    else macs.push(parsed.mac);
  });
  return macs;
};

const allocateAddresses = (ctx: NormaliseContext, start: string | undefined, count: number, path: IssuePath): string[] | undefined => {
  if (start === undefined) return undefined;
  const allocation = allocateIpv4(start, count);
  if (allocation.ok) return allocation.addresses;
  addError(ctx, path, allocation.problem);
  return undefined;
};

import { basename } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { distroProfileSchema, type DistroCatalog, type DistroProfile } from './distro-profile.js';

export interface ProfileFile {
  path: string;
  text: string;
}

export type ProfilesParse = { ok: true; catalog: DistroCatalog } | { ok: false; problems: string[] };

type RawProfile = Record<string, unknown>;

/**
 * Turns the kickstart/*.yaml texts into validated profiles. A profile may `extends: <id>` another;
 * its top-level keys replace the base's (shallow, so overriding `postDeploy` restates all of it).
 */
export const parseDistroProfiles = (files: readonly ProfileFile[]): ProfilesParse => {
  const problems: string[] = [];
  const raw = new Map<string, { path: string; data: RawProfile }>();
  for (const file of files) {
    const id = basename(file.path).replace(/\.ya?ml$/, '');
    let data: unknown;
    try {
      data = parseYaml(file.text);
    } catch (error) {
      problems.push(`${file.path}: not valid YAML: ${(error as Error).message.split('\n')[0]?.replace(/:$/, '')}`);
      continue;
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      problems.push(`${file.path}: must be a YAML mapping`);
      continue;
    }
    if ((data as RawProfile)['id'] !== id) problems.push(`${file.path}: id must be "${id}" (the file name)`);
    raw.set(id, { path: file.path, data: data as RawProfile });
  }

  const catalog = new Map<string, DistroProfile>();
  for (const [id, { path }] of raw) {
    const merged = resolveExtends(id, raw, problems, path);
    if (merged === undefined) continue;
    const parsed = distroProfileSchema.safeParse(merged);
    if (parsed.success) catalog.set(id, parsed.data);
    else for (const issue of parsed.error.issues) problems.push(`${path}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  return problems.length === 0 ? { ok: true, catalog } : { ok: false, problems };
};

const resolveExtends = (
  id: string,
  raw: ReadonlyMap<string, { path: string; data: RawProfile }>,
  problems: string[],
  path: string,
): RawProfile | undefined => {
  const chain: RawProfile[] = [];
  const seen = new Set<string>();
  let current: string | undefined = id;
  while (current !== undefined) {
    if (seen.has(current)) {
      problems.push(`${path}: extends forms a cycle (${[...seen, current].join(' -> ')})`);
      return undefined;
    }
    seen.add(current);
    const entry = raw.get(current);
    if (entry === undefined) {
      problems.push(`${path}: extends unknown profile "${current}"`);
      return undefined;
    }
    chain.unshift(entry.data);
    const base = entry.data['extends'];
    if (base !== undefined && typeof base !== 'string') {
      problems.push(`${entry.path}: extends must be a profile id`);
      return undefined;
    }
    current = base;
  }
  const merged: RawProfile = Object.assign({}, ...chain);
  delete merged['extends'];
  return merged;
};

import type { EntryType } from '../image/tree-diff.js';

/** The OCI layer convention's marker names. */
export const whiteoutPrefix = '.wh.';
export const opaqueMarker = '.wh..wh..opq';
export const templateSuffix = '.hbs';

/** What a name in a layer means: copied as is, rendered, a whiteout, the opaque marker, or an error. */
export type NameRole =
  | { role: 'plain' }
  | { role: 'template'; target: string }
  | { role: 'whiteout'; target: string }
  | { role: 'opaque' }
  | { role: 'invalid'; problem: string };

const selfOrParent = (name: string): boolean => name === '.' || name === '..';

/** Classifies one base name of a layer entry (pure). Only regular files are templates. */
export const classifyName = (name: string, type: EntryType): NameRole => {
  if (name === opaqueMarker) {
    return type === 'dir' ? { role: 'invalid', problem: `${opaqueMarker} must be a file (it marks its directory opaque), not a directory` } : { role: 'opaque' };
  }
  if (name.startsWith(`${whiteoutPrefix}${whiteoutPrefix}`)) {
    return { role: 'invalid', problem: `names starting with ${whiteoutPrefix}${whiteoutPrefix} are reserved (the only one is ${opaqueMarker})` };
  }
  if (name.startsWith(whiteoutPrefix)) {
    const target = name.slice(whiteoutPrefix.length);
    if (target === '') return { role: 'invalid', problem: `a whiteout must name what it deletes (${whiteoutPrefix}NAME deletes NAME)` };
    if (selfOrParent(target)) return { role: 'invalid', problem: `a whiteout of "${target}" would delete its own directory or escape it (use ${whiteoutPrefix}NAME in the parent directory)` };
    if (type === 'dir') return { role: 'invalid', problem: 'a whiteout must be a file (an empty one will do), not a directory' };
    return { role: 'whiteout', target };
  }
  if (type === 'file' && name.endsWith(templateSuffix)) {
    const target = name.slice(0, -templateSuffix.length);
    if (target === '' || selfOrParent(target)) return { role: 'invalid', problem: `a template renders to its name without ${templateSuffix}; "${name}" leaves no usable name` };
    return { role: 'template', target };
  }
  return { role: 'plain' };
};

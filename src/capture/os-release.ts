import type { DistroFootprint } from '../image/manifest.js';

const unquote = (value: string): string => {
  const quote = value[0];
  if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
    const inner = value.slice(1, -1);
    return quote === '"' ? inner.replace(/\\([\\$"`])/g, '$1') : inner;
  }
  return value;
};

/** Parses os-release(5) text; undefined when it has no ID (no os-release at all). */
export const parseOsRelease = (text: string): DistroFootprint | undefined => {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) fields.set(match[1], unquote(match[2].trim()));
  }
  const id = fields.get('ID');
  if (id === undefined || id === '') return undefined;
  const optional = (key: string): string | undefined => fields.get(key) || undefined;
  const versionId = optional('VERSION_ID');
  const name = optional('NAME');
  const prettyName = optional('PRETTY_NAME');
  return {
    id,
    ...(versionId === undefined ? {} : { versionId }),
    ...(name === undefined ? {} : { name }),
    ...(prettyName === undefined ? {} : { prettyName }),
    idLike: (fields.get('ID_LIKE') ?? '').split(/\s+/).filter(Boolean),
  };
};

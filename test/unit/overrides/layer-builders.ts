import { createHash } from 'node:crypto';
import type { EntryType } from '../../../src/image/tree-diff.js';
import type { LayerEntry, LayerListing } from '../../../src/overrides/layer-entry.js';
import type { LayerId } from '../../../src/overrides/layer-id.js';

/** `all`, `image/web`, `group/web`, `host/web07` → the layer id. */
export const id = (label: string): LayerId => {
  if (label === 'all') return { kind: 'all' };
  const [kind, name = ''] = label.split('/');
  return { kind: kind as 'image' | 'group' | 'host', name };
};

/** An entry: "/etc/" is a directory, "/etc/x -> target" a symlink, anything else a file (content after "="). */
const entryOf = (spec: string): LayerEntry => {
  const base = { mode: 0o644, uid: 0, gid: 0, size: 0, mtimeNs: 1_700_000_000_000_000_000n, ctimeNs: 1_700_000_000_000_000_000n };
  if (spec.endsWith('/')) return { ...base, path: spec.slice(0, -1), type: 'dir', mode: 0o755, size: 4096 };
  const link = / -> /.exec(spec);
  if (link !== null) {
    const [path = '', target = ''] = spec.split(' -> ');
    return { ...base, path, type: 'symlink' as EntryType, mode: 0o777, size: target.length, target };
  }
  const [path = '', content = path] = spec.split('=');
  const entry: LayerEntry = { ...base, path, type: 'file', size: content.length, sha256: createHash('sha256').update(content).digest('hex') };
  if (path.endsWith('.hbs')) entry.templateSource = content;
  return entry;
};

/** A layer listing with every parent directory of its entries added (depth-first order, as walkTree yields it). */
export const layer = (label: string, ...specs: string[]): LayerListing => {
  const entries = new Map<string, LayerEntry>();
  for (const spec of specs) {
    const entry = entryOf(spec);
    const parts = entry.path.split('/').slice(1, -1);
    parts.forEach((_, index) => {
      const dir = `/${parts.slice(0, index + 1).join('/')}`;
      if (!entries.has(dir)) entries.set(dir, entryOf(`${dir}/`));
    });
    entries.set(entry.path, entry);
  }
  const sorted = [...entries.values()].sort((a, b) => Buffer.compare(Buffer.from(a.path.replaceAll('/', '\0')), Buffer.from(b.path.replaceAll('/', '\0'))));
  return { id: id(label), root: `/home/overrides/${label}`, entries: sorted };
};

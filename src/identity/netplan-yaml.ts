import { parseDocument, type Document } from 'yaml';
import { filesIn, type RootSnapshot } from './root-snapshot.js';

export const netplanDir = 'etc/netplan';

/** One netplan file of the image, parsed (or why it does not parse). */
export type NetplanFile = { path: string; ok: true; doc: Document } | { path: string; ok: false; problem: string };

/** The image's `etc/netplan/*.yaml` in the order netplan reads them (by file name; later files win). */
export const readNetplanFiles = (snapshot: RootSnapshot): NetplanFile[] =>
  filesIn(snapshot, netplanDir)
    .filter(([path]) => path.endsWith('.yaml'))
    .map(([path, content]): NetplanFile => {
      const doc = parseDocument(content);
      const error = doc.errors[0];
      return error === undefined ? { path, ok: true, doc } : { path, ok: false, problem: error.message.split('\n')[0] ?? error.message };
    });

export type NetplanRenderer = 'networkd' | 'NetworkManager';

/** The global renderer the files name (the last file that sets one wins), or networkd, netplan's default. */
export const effectiveRenderer = (files: readonly NetplanFile[]): { renderer: string; from?: string } => {
  let found: { renderer: string; from?: string } = { renderer: 'networkd' };
  for (const file of files) {
    const renderer = file.ok ? file.doc.getIn(['network', 'renderer']) : undefined;
    if (typeof renderer === 'string') found = { renderer, from: file.path };
  }
  return found;
};

export const isNetplanRenderer = (text: string): text is NetplanRenderer => text === 'networkd' || text === 'NetworkManager';

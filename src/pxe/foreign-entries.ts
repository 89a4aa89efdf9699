import type { Dirent } from 'node:fs';
import { readdir, readlink, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';

const kindOf = (entry: Dirent): string =>
  entry.isSymbolicLink() ? 'a symlink' : entry.isFIFO() ? 'a FIFO' : entry.isSocket() ? 'a socket' : entry.isBlockDevice() || entry.isCharacterDevice() ? 'a device node' : 'not a regular file';

/**
 * Removes every symlink, FIFO, socket and device node below `root` (the root itself may be a
 * symlink) and returns what it removed, relative to the root. dnsmasq's TFTP opens requested names
 * with a plain open(), so a symlink in the tree would serve whatever it points at; and the sync's own
 * writes must never pass through a symlinked directory.
 */
export const removeForeignEntries = async (root: string, relative = ''): Promise<string[]> => {
  const entries = await readdir(join(root, relative), { withFileTypes: true }).catch(() => [] as Dirent[]);
  const removed: string[] = [];
  for (const entry of entries) {
    const path = relative === '' ? entry.name : posix.join(relative, entry.name);
    if (entry.isDirectory()) {
      removed.push(...(await removeForeignEntries(root, path)));
      continue;
    }
    if (entry.isFile()) continue;
    const target = entry.isSymbolicLink() ? await readlink(join(root, path)).catch(() => '?') : undefined;
    await rm(join(root, path), { force: true });
    removed.push(`${path} (${kindOf(entry)}${target === undefined ? '' : ` to ${target}`})`);
  }
  return removed;
};

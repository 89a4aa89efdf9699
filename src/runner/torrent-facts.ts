import { access, statfs } from 'node:fs/promises';
import { join } from 'node:path';

/** What decides whether this target can fetch its image by BitTorrent (docs/fanout.md). */
export interface TorrentFacts {
  /** Programs the transport needs that the installed system (the toolbox's source) lacks. */
  missingTools: string[];
  /** Free bytes of the target's root filesystem (statfs, for root). */
  targetFreeBytes: number;
}

const tools = ['aria2c', 'zstd', 'tar', 'sha256sum'] as const;
const binDirs = ['usr/bin', 'bin', 'usr/sbin', 'sbin', 'usr/local/bin'];

const present = async (root: string, tool: string): Promise<boolean> => {
  for (const dir of binDirs) {
    if (await access(join(root, dir, tool)).then(() => true, () => false)) return true;
  }
  return false;
};

/** Reads only: which tools the installed root has, and the room left on its filesystem. */
export const gatherTorrentFacts = async (target: string): Promise<TorrentFacts> => {
  const found = await Promise.all(tools.map(async (tool) => ((await present(target, tool)) ? undefined : tool)));
  const space = await statfs(target).catch(() => undefined);
  return {
    missingTools: found.filter((tool): tool is (typeof tools)[number] => tool !== undefined),
    targetFreeBytes: space === undefined ? 0 : space.bavail * space.bsize,
  };
};

import { lstat, readdir, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { dataTrees } from '../protocol/update-protocol.js';

/** Where a host's users and services keep data the image's directories would replace if they were symlinks. */
export const userDataDirs: readonly string[] = ['/home', '/root', '/var/log', '/var/spool', '/var/mail', '/var/cache', '/var/tmp', '/tmp', '/mnt', '/media'];

const isSymlink = async (path: string): Promise<boolean> => (await lstat(path).catch(() => undefined))?.isSymbolicLink() === true;
const isDirectory = async (path: string): Promise<boolean> => (await stat(path).catch(() => undefined))?.isDirectory() === true;

/**
 * Reads which data directories are symlinks on the host (`/srv -> /data/srv`, `/var/lib/app -> /data/app`): rsync
 * would replace such a link by the image's directory (a protect rule does not stop that; measured), and the
 * service would find an empty directory. Top-level data and user directories that are links, and links to
 * directories with an absolute target one level below a data tree (how a data disk is linked in; what an image
 * ships there is relative, like /usr/local/man). Paths as the host sees them; `at` makes one a path of this process.
 */
export const readLinkedDataDirs = async (at: (path: string) => string): Promise<string[]> => {
  const found: string[] = [];
  for (const dir of [...dataTrees, ...userDataDirs]) {
    const path = at(dir);
    if (await isSymlink(path)) {
      found.push(dir);
      continue;
    }
    if (!dataTrees.includes(dir)) continue;
    const names = await readdir(path).catch(() => [] as string[]);
    for (const name of names.sort()) {
      const child = join(path, name);
      if (!(await isSymlink(child))) continue;
      const target = await readlink(child).catch(() => '');
      if (target.startsWith('/') && (await isDirectory(child))) found.push(`${dir}/${name}`);
    }
  }
  return found;
};

import { link, lstat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const isEmptyFile = async (path: string): Promise<boolean> => {
  const info = await lstat(path).catch(() => undefined);
  return info?.isFile() === true && info.size === 0;
};

/**
 * /etc/machine-id is excluded but must exist: an empty file tells systemd to generate a fresh
 * id on first boot, so no two clones share one. The previous version's empty file is hard-linked
 * so an unchanged golden client costs nothing new.
 */
export const writeEmptyMachineId = async (root: string, previousRoot?: string): Promise<void> => {
  const etc = await lstat(join(root, 'etc')).catch(() => undefined);
  if (etc?.isDirectory() !== true) return;
  const target = join(root, 'etc', 'machine-id');
  if ((await lstat(target).catch(() => undefined)) !== undefined) return; // re-included or default excludes off
  const previous = previousRoot === undefined ? undefined : join(previousRoot, 'etc', 'machine-id');
  if (previous !== undefined && (await isEmptyFile(previous))) {
    const linked = await link(previous, target).then(() => true, () => false);
    if (linked) return;
  }
  await writeFile(target, '', { flag: 'wx', mode: 0o444 });
};

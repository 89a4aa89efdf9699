import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { link, open, rename, rm, stat, symlink, type FileHandle } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';

export interface AtomicWriteOptions {
  /** Permission bits of the written file. @default the replaced file's bits and owner (a private file stays private), else `createMode` */
  mode?: number;
  /** Permission bits when `path` does not exist yet (and `mode` is not given). @default 0o644 */
  createMode?: number;
  /** Runs after the new content is on disk, just before it replaces `path`; throwing leaves `path` untouched. */
  beforeRename?: () => Promise<void>;
}

/** Gives the new file the replaced file's owner; only root may, so others keep their own (EPERM ignored). */
const keepOwner = async (handle: FileHandle, existing: Stats): Promise<void> => {
  const created = await handle.stat();
  if (created.uid === existing.uid && created.gid === existing.gid) return;
  await handle.chown(existing.uid, existing.gid).catch((error: NodeJS.ErrnoException) => (error.code === 'EPERM' ? undefined : Promise.reject(error)));
};

/** Writes a file so readers see either the old or the new content, never a torn one (temp + fsync + rename). */
export const writeFileAtomic = async (path: string, data: string | Buffer, options: AtomicWriteOptions = {}): Promise<void> => {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const existing = options.mode === undefined ? await stat(path).catch(() => undefined) : undefined;
  const existingMode = existing === undefined ? undefined : existing.mode & 0o7777;
  const handle = await open(temp, 'wx', options.mode ?? existingMode ?? options.createMode ?? 0o644);
  try {
    // The owner first (chown clears set-id bits), then the mode: a root:adm 0640 file the admin set up stays so.
    if (existing !== undefined) await keepOwner(handle, existing);
    if (existingMode !== undefined) await handle.chmod(existingMode);
    // open() applies the umask; an explicit mode is meant exactly (a boot tree file must stay world-readable).
    if (options.mode !== undefined) await handle.chmod(options.mode);
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await options.beforeRename?.();
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dirname(path));
};

/** Makes a rename durable: the directory entry itself must reach the disk. */
export const syncDirectory = async (path: string): Promise<void> => {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
};

/**
 * Creates `path` with `data` unless it exists (then leaves it alone): written whole beside it, then
 * hard-linked into place, so of two racing first users exactly one wins and nobody sees a torn file.
 */
export const createFileOnce = async (path: string, data: string, mode: number): Promise<void> => {
  const candidate = `${path}.new-${randomBytes(6).toString('hex')}`;
  await writeFileAtomic(candidate, data, { mode });
  try {
    await link(candidate, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await rm(candidate, { force: true });
  }
};

/** Makes `path` a symlink to `target`, replacing whatever link is there in one rename (never a moment without one). */
export const symlinkAtomic = async (target: string, path: string): Promise<void> => {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  await symlink(target, temp);
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
};

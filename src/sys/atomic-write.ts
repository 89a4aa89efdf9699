import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';

export interface AtomicWriteOptions {
  /** @default the replaced file's permission bits (a private file stays private), else 0o644 */
  mode?: number;
  /** Runs after the new content is on disk, just before it replaces `path`; throwing leaves `path` untouched. */
  beforeRename?: () => Promise<void>;
}

/** Writes a file so readers see either the old or the new content, never a torn one (temp + fsync + rename). */
export const writeFileAtomic = async (path: string, data: string | Buffer, options: AtomicWriteOptions = {}): Promise<void> => {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const existingMode = options.mode === undefined ? await stat(path).then((info) => info.mode & 0o7777, () => undefined) : undefined;
  const handle = await open(temp, 'wx', options.mode ?? existingMode ?? 0o644);
  try {
    if (existingMode !== undefined) await handle.chmod(existingMode);
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

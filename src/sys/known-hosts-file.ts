import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';

/** known_hosts text, or "" when the file does not exist yet. */
export const readKnownHostsFile = async (file: string): Promise<string> => {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
};

/** Appends one line atomically (temp + rename), keeping the file's mode; creates ~/.ssh as 0700 if needed. */
export const appendKnownHostsLine = async (file: string, line: string): Promise<void> => {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const current = await readKnownHostsFile(file);
  const separator = current === '' || current.endsWith('\n') ? '' : '\n';
  // A new file is created 0600; an existing one keeps its mode (writeFileAtomic's default).
  await writeFileAtomic(file, `${current}${separator}${line}\n`, current === '' ? { mode: 0o600 } : {});
};

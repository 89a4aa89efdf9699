import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RootcastError } from '../errors/rootcast-error.js';
import type { HomePaths } from '../home/paths.js';
import { ensurePrivateHome, privateDirPaths } from '../home/private-home.js';
import { createFileOnce } from '../sys/atomic-write.js';

/** The server secret every install token and host credential derives from (the file name predates host credentials). */
export const serverSecretFile = (paths: HomePaths): string => join(privateDirPaths(paths).secrets, 'install-token.key');

const secretPattern = /^[0-9a-f]{64}$/;

const readSecret = async (file: string): Promise<Buffer> => {
  const info = await stat(file);
  if ((info.mode & 0o077) !== 0) {
    throw new RootcastError('PERMISSION', `${file} is readable by other users (mode ${(info.mode & 0o777).toString(8)})`, {
      hint: `every install token and host credential derives from it: run "chmod 600 ${file}"`,
    });
  }
  const text = (await readFile(file, 'utf8')).trim();
  if (!secretPattern.test(text)) {
    throw new RootcastError('INVALID_DATA', `${file} does not hold a 64-digit hex key`, {
      hint: 'remove it to have a new one generated (this revokes every install token and host credential: deployed hosts need a reinstall or a new credential)',
    });
  }
  return Buffer.from(text, 'hex');
};

/**
 * Reads the server secret, creating it on first use (mode 600); two first users race safely: link() lets
 * exactly one win. Its users (serve, the answer-file verbs) write into the home: it is made private first.
 */
export const loadServerSecret = async (paths: HomePaths): Promise<Buffer> => {
  const file = serverSecretFile(paths);
  await ensurePrivateHome(paths, { create: ['secrets'] });
  try {
    return await readSecret(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await createFileOnce(file, `${randomBytes(32).toString('hex')}\n`, 0o600);
  return readSecret(file);
};

import { chmod, chown, mkdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Stats } from 'node:fs';
import { RootcastError } from '../errors/rootcast-error.js';
import type { HomePaths } from './paths.js';

/**
 * The directories under the home no other user may enter: image versions keep their files' numeric
 * owners (a uid matching one could change a version every host deploys), and the rest hold per-host
 * state, the server secret and the rsync daemon's config and log naming every host.
 */
export type PrivateDirName = 'images' | 'overrides' | 'state' | 'secrets' | 'run';

export const privateDirNames: readonly PrivateDirName[] = ['images', 'overrides', 'state', 'secrets', 'run'];

/** Owner-only: root reads and writes through them (serve's rsync daemon runs as uid 0). */
export const privateDirMode = 0o700;

export const privateDirPaths = (paths: HomePaths): Record<PrivateDirName, string> => ({
  images: paths.imagesDir,
  overrides: paths.overridesDir,
  state: paths.stateDir,
  secrets: join(paths.home, 'secrets'),
  run: join(paths.home, 'run'),
});

export interface PrivateHomeOptions {
  /** Private directories to create (mode 0700) when missing; the others are only tightened if they exist. @default [] */
  create?: readonly PrivateDirName[];
}

const octal = (mode: number): string => (mode & 0o7777).toString(8).padStart(4, '0');

const statOrMissing = (path: string): Promise<Stats | undefined> =>
  stat(path).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)));

const processOwner = (): { uid: number; gid: number } => ({ uid: process.geteuid?.() ?? 0, gid: process.getegid?.() ?? 0 });

const notADirectory = (path: string): RootcastError =>
  new RootcastError('INVALID_DATA', `${path} is not a directory`, { hint: 'rootcast keeps its store there: move that file away and re-run' });

/** A home others can write lets them rename images/ away and put their own in its place, whatever images/'s mode. */
const assertHomeGuarded = (home: string, info: Stats): void => {
  if (!info.isDirectory()) throw notADirectory(home);
  const owner = processOwner();
  if (info.uid !== owner.uid || (info.mode & 0o022) !== 0) {
    throw new RootcastError('PERMISSION', `the rootcast home ${home} can be changed by other users (owner uid ${info.uid}, mode ${octal(info.mode)})`, {
      hint: `whoever can write it can swap the image store for their own: run "chown ${owner.uid} ${home} && chmod go-w ${home}" (or choose another --home)`,
    });
  }
};

/** Creates the home (0700: nothing in it is for other users) when missing; checks an existing one. */
const ensureHomeDir = async (home: string): Promise<void> => {
  let info = await statOrMissing(home);
  if (info === undefined) {
    await mkdir(dirname(home), { recursive: true });
    await mkdir(home, { mode: privateDirMode }).catch((error: NodeJS.ErrnoException) => (error.code === 'EEXIST' ? undefined : Promise.reject(error)));
    info = await stat(home);
  }
  assertHomeGuarded(home, info);
};

/** Makes one directory owned by this process's user (root) with mode 0700, creating it when asked. */
const securePrivateDir = async (path: string, create: boolean): Promise<void> => {
  let info = await statOrMissing(path);
  if (info === undefined) {
    if (!create) return;
    await mkdir(path, { mode: privateDirMode }).catch((error: NodeJS.ErrnoException) => (error.code === 'EEXIST' ? undefined : Promise.reject(error)));
    info = await stat(path);
  }
  if (!info.isDirectory()) throw notADirectory(path);
  const owner = processOwner();
  const foreignOwner = info.uid !== owner.uid || info.gid !== owner.gid;
  if (!foreignOwner && (info.mode & 0o7777) === privateDirMode) return;
  try {
    // chown first: it may clear set-id bits, and the chmod below decides the final mode anyway.
    if (foreignOwner) await chown(path, owner.uid, owner.gid);
    await chmod(path, privateDirMode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
    throw new RootcastError('PERMISSION', `cannot make ${path} private (owner uid ${info.uid}, mode ${octal(info.mode)}): permission denied`, {
      hint: 'run rootcast as root, which owns the store',
    });
  }
};

/**
 * Run by every command that writes into the home, before it writes: creates the home if missing,
 * refuses a home other users can change, makes every existing private directory root's 0700 (an older
 * rootcast made them 0755) and creates the ones in `create`. Idempotent; a few stat() calls when all is well.
 */
export const ensurePrivateHome = async (paths: HomePaths, options: PrivateHomeOptions = {}): Promise<void> => {
  await ensureHomeDir(paths.home);
  const create = new Set(options.create ?? []);
  const dirs = privateDirPaths(paths);
  for (const name of privateDirNames) await securePrivateDir(dirs[name], create.has(name));
};

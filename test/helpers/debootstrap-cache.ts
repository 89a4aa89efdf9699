import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** How to build one cached root: debootstrap arguments plus files written afterwards. */
export interface RootRecipe {
  /** @default 'bookworm' */
  suite?: string;
  /** Extra packages (debootstrap --include). */
  include: readonly string[];
  /** Files (path relative to the root → content) written after debootstrap, to make roots differ. */
  files?: Readonly<Record<string, string>>;
  /** Shell commands run in the root directory afterwards (hard links, xattrs, ACLs, owners...). */
  commands?: readonly string[];
}

/** Bump when the build steps below change, so old cache entries are not reused. */
const recipeFormat = 2;
export const debootstrapCacheDir = '/var/cache/rootcast-test';

/** The "installed minimal system" the runner starts from. */
export const installedRootRecipe: RootRecipe = { include: ['rsync'] };

/** An installed minimal system of an install.transport torrent host: the answer files add aria2 and zstd. */
export const torrentInstalledRootRecipe: RootRecipe = { include: ['rsync', 'aria2', 'zstd'] };

/** A different root used as the golden image: more packages and some files of its own. */
export const imageRootRecipe: RootRecipe = {
  include: ['rsync', 'procps', 'less', 'netbase'],
  files: { 'etc/motd': 'golden image motd\n', 'opt/golden/README': 'deployed by rootcast\n', 'etc/fstab': '# golden fstab\n' },
  // Metadata only -aHAXS --numeric-ids carries: a hard link, an xattr, an ACL, a sparse file, odd owners and modes.
  commands: [
    'ln opt/golden/README opt/golden/README.hardlink',
    'setfattr -n user.rootcast -v golden opt/golden/README',
    'setfacl -m u:4242:r opt/golden/README',
    'truncate -s 32M opt/golden/sparse.img',
    'chown 4321:4322 opt/golden/README',
    'chmod 0640 opt/golden/README',
    'rm -f usr/bin/tic usr/share/doc/bash/README',
  ],
};

/** Mirror from the machine's apt sources (the only package source reachable here). */
const readMirror = (): string => {
  const sources = readFileSync('/etc/apt/sources.list.d/debian.sources', 'utf8');
  const uri = /^URIs:\s*(\S+)/m.exec(sources)?.[1];
  if (uri === undefined) throw new Error('no URIs: line in /etc/apt/sources.list.d/debian.sources');
  return uri;
};

const recipeHash = (recipe: RootRecipe): string =>
  createHash('sha256')
    .update(JSON.stringify({ recipeFormat, suite: recipe.suite ?? 'bookworm', include: [...recipe.include].sort(), files: recipe.files ?? {}, commands: recipe.commands ?? [] }))
    .digest('hex')
    .slice(0, 16);

const buildRoot = async (recipe: RootRecipe, directory: string): Promise<void> => {
  await promisify(execFile)(
    'debootstrap',
    ['--variant=minbase', `--include=${recipe.include.join(',')}`, recipe.suite ?? 'bookworm', directory, readMirror()],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  // debootstrap copies the build host's identity files; a clone must not inherit them.
  for (const file of ['etc/hostname', 'etc/resolv.conf']) rmSync(join(directory, file), { force: true });
  rmSync(join(directory, 'var/cache/apt/archives'), { recursive: true, force: true });
  mkdirSync(join(directory, 'var/cache/apt/archives/partial'), { recursive: true });
  for (const [path, content] of Object.entries(recipe.files ?? {})) {
    mkdirSync(join(directory, path, '..'), { recursive: true });
    writeFileSync(join(directory, path), content);
  }
  for (const command of recipe.commands ?? []) await promisify(execFile)('sh', ['-ec', command], { cwd: directory });
};

/** Holds an flock until released; the lock dies with the process, so it never goes stale. */
const acquireLock = async (path: string): Promise<() => void> => {
  const holder = spawn('flock', [path, 'sh', '-c', 'echo locked; read _ || true'], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    holder.stdout.once('data', () => resolve());
    holder.once('exit', (code) => reject(new Error(`flock ${path} exited with ${code}`)));
  });
  return () => holder.stdin.end();
};

/**
 * Returns a cached debootstrapped root for the recipe, building it once under
 * /var/cache/rootcast-test/<recipe-hash>/root (rebuilt when missing). A lock serialises parallel
 * test workers; the build goes to a temp dir renamed into place, so a crash never leaves half a root.
 */
export const ensureDebootstrapRoot = async (recipe: RootRecipe): Promise<string> => {
  const entry = join(debootstrapCacheDir, recipeHash(recipe));
  const root = join(entry, 'root');
  const ready = (): boolean => existsSync(join(root, 'usr/bin/rsync'));
  if (ready()) return root;
  mkdirSync(entry, { recursive: true });
  const release = await acquireLock(`${entry}.lock`);
  try {
    if (ready()) return root;
    const temp = join(entry, 'root.tmp');
    rmSync(temp, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
    await buildRoot(recipe, temp);
    renameSync(temp, root);
    return root;
  } finally {
    release();
  }
};

import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runInChroot } from './chroot-session.js';

/** How to build one cached root: debootstrap arguments plus files written afterwards. */
export interface RootRecipe {
  /** @default 'bookworm' */
  suite?: string;
  /** Extra packages (debootstrap --include). */
  include: readonly string[];
  /** Suites added to the root's apt sources after debootstrap (bookworm-backports); they stay, as on a machine that uses them. @default [] */
  extraSuites?: readonly string[];
  /** debconf-set-selections lines answered before `install` (grub-pc asks where to install itself). @default [] */
  debconf?: readonly string[];
  /** Packages apt-get installs inside the root after debootstrap; `name/suite` takes one from an extra suite. @default [] */
  install?: readonly string[];
  /** Files (path relative to the root → content) written after debootstrap, to make roots differ. */
  files?: Readonly<Record<string, string>>;
  /** Shell commands run inside the root (runInChroot) after `files` are written: enable units, set passwords. @default [] */
  chroot?: readonly string[];
  /** Shell commands run in the root directory afterwards (hard links, xattrs, ACLs, owners...). */
  commands?: readonly string[];
}

/** Bump when the build steps below change, so old cache entries are not reused. */
const recipeFormat = 2;
export const debootstrapCacheDir = '/var/cache/rootcast-test';
// A bootable root took 3-4 min on a loaded 2-core machine; the bound only stops a hung mirror.
const debootstrapTimeoutMs = 20 * 60_000;

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

const recipeHash = (recipe: RootRecipe): string => {
  // The later fields are left out when unset (JSON drops undefined), so older recipes keep their cache entries.
  const { extraSuites, debconf, install, chroot } = recipe;
  return createHash('sha256')
    .update(JSON.stringify({ recipeFormat, suite: recipe.suite ?? 'bookworm', include: [...recipe.include].sort(), files: recipe.files ?? {}, commands: recipe.commands ?? [], extraSuites, debconf, install, chroot }))
    .digest('hex')
    .slice(0, 16);
};

/** apt-get inside the root: the extra suites' sources, debconf answers, then the packages; no service starts. */
const aptScript = (recipe: RootRecipe, mirror: string): string => [
  // What debootstrap's own chroot does too: invoke-rc.d must not start daemons in a build root.
  String.raw`printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d`,
  ...(recipe.extraSuites ?? []).map((suite) => `echo 'deb ${mirror} ${suite} main' >/etc/apt/sources.list.d/${suite}.list`),
  'apt-get update -qq',
  ...(recipe.debconf ?? []).map((line) => `echo '${line}' | debconf-set-selections`),
  `apt-get install -y -q --no-install-recommends ${(recipe.install ?? []).join(' ')}`,
  'apt-get clean',
  'rm -rf /var/lib/apt/lists/* /usr/sbin/policy-rc.d',
].join('\n');

const buildRoot = async (recipe: RootRecipe, directory: string): Promise<void> => {
  const mirror = readMirror();
  await promisify(execFile)(
    'debootstrap',
    ['--variant=minbase', `--include=${recipe.include.join(',')}`, recipe.suite ?? 'bookworm', directory, mirror],
    { maxBuffer: 64 * 1024 * 1024, timeout: debootstrapTimeoutMs },
  );
  // debootstrap copies the build host's identity files; a clone must not inherit them.
  for (const file of ['etc/hostname', 'etc/resolv.conf']) rmSync(join(directory, file), { force: true });
  if ((recipe.install ?? []).length > 0) await runInChroot(directory, aptScript(recipe, mirror), { resolver: true });
  rmSync(join(directory, 'var/cache/apt/archives'), { recursive: true, force: true });
  mkdirSync(join(directory, 'var/cache/apt/archives/partial'), { recursive: true });
  // After apt: a file a package also ships (/etc/default/grub) would otherwise make ucf ask.
  for (const [path, content] of Object.entries(recipe.files ?? {})) {
    mkdirSync(join(directory, path, '..'), { recursive: true });
    writeFileSync(join(directory, path), content);
  }
  if ((recipe.chroot ?? []).length > 0) await runInChroot(directory, (recipe.chroot ?? []).join('\n'));
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

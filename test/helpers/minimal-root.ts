import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Programs a chroot needs to act as a golden client (sshd ChrootDirectory) or an image shell. */
export const defaultChrootPrograms = ['sh', 'rsync', 'cat', 'ls', 'uname', 'echo', 'rm', 'mkdir', 'touch', 'chmod', 'test'];

/** root's login shell on this machine: sshd runs every remote command through it, inside the chroot too. */
const rootLoginShell = (): string =>
  readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((line) => line.startsWith('root:'))
    ?.split(':')[6]
    ?.split('/')
    .pop() ?? 'sh';

/** What a chroot needs to act as a golden client behind sshd: the defaults plus root's login shell. */
export const goldenClientPrograms = (): string[] => [...new Set([...defaultChrootPrograms, rootLoginShell()])];

const whichProgram = (name: string): string =>
  execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();

/** Shared libraries a binary loads, as absolute paths (ldd's "=> /path" and the loader line). */
const librariesOf = (binary: string): string[] =>
  execFileSync('ldd', [binary], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line)?.[1])
    .filter((path): path is string => path !== undefined);

const copyPreservingPath = (source: string, root: string): void => {
  const target = join(root, source);
  if (existsSync(target)) return;
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(realpathSync(source), target);
  chmodSync(target, 0o755);
};

/**
 * Makes DIR a tiny root with real programs and their libraries, enough for `chroot DIR sh -c ...`
 * and for sshd's ChrootDirectory to run `rsync --server`.
 */
export const buildMinimalRoot = (root: string, programs: readonly string[] = defaultChrootPrograms): void => {
  for (const dir of ['bin', 'usr/bin', 'etc', 'tmp', 'dev', 'proc', 'root']) mkdirSync(join(root, dir), { recursive: true });
  chmodSync(join(root, 'tmp'), 0o1777);
  for (const program of programs) {
    const path = whichProgram(program);
    if (path === '' || !path.startsWith('/')) continue; // a shell builtin such as `test` may have no binary
    const binary = realpathSync(path);
    copyPreservingPath(binary, root);
    const inBin = join(root, 'bin', program);
    if (!existsSync(inBin)) symlinkSync(binary, inBin);
    for (const library of librariesOf(binary)) copyPreservingPath(library, root);
  }
  // The loader is found through /lib64 on x86_64; make sure it exists even when usrmerge links differ.
  if (!existsSync(join(root, 'lib64')) && existsSync(join(root, 'usr/lib64'))) symlinkSync('usr/lib64', join(root, 'lib64'));
};

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync, chownSync, closeSync, linkSync, lstatSync, lutimesSync, mkdirSync, openSync, readdirSync,
  readFileSync, readlinkSync, symlinkSync, writeFileSync, writeSync, ftruncateSync,
} from 'node:fs';
import { join } from 'node:path';

const run = (command: string, args: readonly (string | Buffer)[], cwd?: string): string =>
  execFileSync(command, args as string[], { encoding: 'latin1', ...(cwd === undefined ? {} : { cwd }) });

const oldTime = new Date('2001-02-03T04:05:06Z');
/** Bytes that are not valid UTF-8: names like this must survive a capture byte for byte. */
export const nonUtf8Name = Buffer.from([0x6e, 0x6f, 0x6e, 0x2d, 0x75, 0x74, 0x66, 0x38, 0x2d, 0xff]);
export const sparseFileSize = 64 * 1024 * 1024;

/**
 * Builds every kind of file a root can hold in DIR (which must exist): sparse and hard-linked files,
 * symlinks (one dangling), a fifo, a unix socket, char and block devices, unknown owners,
 * setuid/setgid/sticky modes, old mtimes, access and default ACLs, user xattrs, file capabilities
 * and odd names (space, newline, a non-UTF-8 byte).
 */
export const buildFidelityTree = (dir: string): void => {
  const at = (...parts: string[]): string => join(dir, ...parts);
  for (const sub of ['files', 'links', 'special', 'modes', 'attrs', 'names', 'dirs/sticky', 'dirs/setgid', 'dirs/default-acl']) {
    mkdirSync(at(sub), { recursive: true });
  }
  writeFileSync(at('files/plain.txt'), 'plain content\n');
  writeFileSync(at('files/empty'), '');
  const sparse = openSync(at('files/sparse.img'), 'w');
  writeSync(sparse, Buffer.alloc(4096, 0x5a), 0, 4096, 1024 * 1024);
  ftruncateSync(sparse, sparseFileSize);
  closeSync(sparse);

  writeFileSync(at('links/original'), 'hard linked\n');
  linkSync(at('links/original'), at('links/second-name'));
  linkSync(at('links/original'), at('files/third-name'));
  symlinkSync('original', at('links/relative-symlink'));
  symlinkSync('/etc/passwd', at('links/absolute-symlink'));
  symlinkSync('does/not/exist', at('links/dangling-symlink'));

  run('mkfifo', [at('special/fifo')]);
  run('python3', ['-c', 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])', at('special/socket')]);
  run('mknod', ['-m', '640', at('special/char-dev'), 'c', '1', '7']);
  run('mknod', ['-m', '660', at('special/block-dev'), 'b', '7', '200']);
  chownSync(at('special/block-dev'), 0, 6);

  writeFileSync(at('modes/setuid'), '#!/bin/sh\n');
  chownSync(at('modes/setuid'), 0, 0);
  chmodSync(at('modes/setuid'), 0o4755);
  writeFileSync(at('modes/setgid'), '#!/bin/sh\n');
  chownSync(at('modes/setgid'), 0, 40123);
  chmodSync(at('modes/setgid'), 0o2711);
  writeFileSync(at('modes/unknown-owner'), 'owned by nobody we know\n');
  chownSync(at('modes/unknown-owner'), 54321, 43210);
  chmodSync(at('modes/unknown-owner'), 0o600);
  chmodSync(at('dirs/sticky'), 0o1777);
  chownSync(at('dirs/setgid'), 0, 40124);
  chmodSync(at('dirs/setgid'), 0o2775);

  writeFileSync(at('attrs/acl'), 'acl\n');
  run('setfacl', ['-m', 'u:12345:rwx,g:23456:r--', at('attrs/acl')]);
  run('setfacl', ['-d', '-m', 'u:12345:rwx,g:23456:r-x', at('dirs/default-acl')]);
  writeFileSync(at('attrs/xattr'), 'xattr\n');
  run('setfattr', ['-n', 'user.rootcast', '-v', 'kept', at('attrs/xattr')]);
  run('setfattr', ['-n', 'user.binary', '-v', '0x00ff10', at('attrs/xattr')]);
  writeFileSync(at('attrs/capability'), '#!/bin/sh\n');
  chmodSync(at('attrs/capability'), 0o755);
  run('setcap', ['cap_net_raw,cap_net_bind_service+ep', at('attrs/capability')]);

  writeFileSync(at('names/with space'), 'space\n');
  writeFileSync(at('names/with\nnewline'), 'newline\n');
  writeFileSync(Buffer.concat([Buffer.from(`${at('names')}/`), nonUtf8Name]), 'bytes\n');
  writeFileSync(at('names/ünïcödé'), 'unicode\n');

  // mtimes last (creating entries touched their directories), deepest first, each a distinct
  // old time: rsync only re-stamps entries whose mtime second differs from the one it created.
  walk(Buffer.from(dir))
    .reverse()
    .forEach((rel, index) => {
      const when = new Date(oldTime.getTime() + index * 1000 + 123);
      lutimesSync(Buffer.concat([Buffer.from(`${dir}/`), rel]), when, when);
    });
};

/** Every entry below root (Buffer paths, so non-UTF-8 names survive), relative, with "/" separators. */
const walk = (root: Buffer, prefix: Buffer = Buffer.alloc(0)): Buffer[] => {
  const dir = prefix.length === 0 ? root : Buffer.concat([root, Buffer.from('/'), prefix]);
  const entries: Buffer[] = [];
  for (const name of readdirSync(dir, { encoding: 'buffer' })) {
    const rel = prefix.length === 0 ? name : Buffer.concat([prefix, Buffer.from('/'), name]);
    entries.push(rel);
    if (lstatSync(Buffer.concat([root, Buffer.from('/'), rel])).isDirectory()) entries.push(...walk(root, rel));
  }
  return entries;
};

const describe = (root: string, rel: Buffer): Record<string, string> => {
  const path = Buffer.concat([Buffer.from(`${root}/`), rel]);
  const info = lstatSync(path, { bigint: true });
  const kind = info.isFile() ? 'file' : info.isDirectory() ? 'dir' : info.isSymbolicLink() ? 'symlink' : info.isFIFO() ? 'fifo' : info.isSocket() ? 'socket' : info.isCharacterDevice() ? 'char' : info.isBlockDevice() ? 'block' : 'other';
  const facts: Record<string, string> = {
    kind,
    mode: info.mode.toString(8),
    owner: `${info.uid}:${info.gid}`,
    mtime: info.mtimeNs.toString(),
  };
  if (kind === 'file') {
    facts['size'] = info.size.toString();
    facts['sha256'] = createHash('sha256').update(readFileSync(path)).digest('hex');
  }
  if (kind === 'symlink') facts['target'] = readlinkSync(path, { encoding: 'buffer' }).toString('latin1');
  if (kind === 'char' || kind === 'block') facts['rdev'] = info.rdev.toString();
  return facts;
};

/** `getfattr -R` of a tree: ACLs (system.posix_acl_*), capabilities and user xattrs, per relative path. */
const extendedAttributes = (root: string): Map<string, string> => {
  const output = run('getfattr', ['-R', '-P', '-h', '-d', '-m', '-', '-e', 'hex', '.'], root);
  const result = new Map<string, string>();
  for (const block of output.split('\n\n')) {
    const [header, ...lines] = block.trim().split('\n');
    if (header?.startsWith('# file: ') !== true) continue;
    result.set(header.slice('# file: '.length).replace(/^\.\//, ''), lines.sort().join('; '));
  }
  return result;
};

/** Paths that share an inode with each path (hard-link structure), keyed by path. */
const linkGroups = (root: string, paths: readonly Buffer[]): Map<string, string> => {
  const byInode = new Map<bigint, string[]>();
  const inodeOf = new Map<string, bigint>();
  for (const rel of paths) {
    const info = lstatSync(Buffer.concat([Buffer.from(`${root}/`), rel]), { bigint: true });
    if (!info.isFile() || info.nlink < 2n) continue;
    const key = rel.toString('latin1');
    inodeOf.set(key, info.ino);
    byInode.set(info.ino, [...(byInode.get(info.ino) ?? []), key]);
  }
  return new Map([...inodeOf].map(([key, ino]) => [key, (byInode.get(ino) ?? []).sort().join(' = ')]));
};

/**
 * Compares two trees in every respect a capture must preserve; returns one line per difference
 * ("names/with\nnewline: mode 100644 != 100600"), empty when they are identical.
 */
export const compareTrees = (expectedRoot: string, actualRoot: string): string[] => {
  const differences: string[] = [];
  const expectedPaths = walk(Buffer.from(expectedRoot));
  const actualPaths = walk(Buffer.from(actualRoot));
  const expectedKeys = new Set(expectedPaths.map((p) => p.toString('latin1')));
  const actualKeys = new Set(actualPaths.map((p) => p.toString('latin1')));
  for (const key of expectedKeys) if (!actualKeys.has(key)) differences.push(`${JSON.stringify(key)}: missing`);
  for (const key of actualKeys) if (!expectedKeys.has(key)) differences.push(`${JSON.stringify(key)}: unexpected`);
  for (const rel of expectedPaths) {
    const key = rel.toString('latin1');
    if (!actualKeys.has(key)) continue;
    const expected = describe(expectedRoot, rel);
    const actual = describe(actualRoot, rel);
    for (const [fact, value] of Object.entries(expected)) {
      if (actual[fact] !== value) differences.push(`${JSON.stringify(key)}: ${fact} ${value} != ${actual[fact] ?? 'none'}`);
    }
  }
  const expectedAttrs = extendedAttributes(expectedRoot);
  const actualAttrs = extendedAttributes(actualRoot);
  for (const key of new Set([...expectedAttrs.keys(), ...actualAttrs.keys()])) {
    if (expectedAttrs.get(key) !== actualAttrs.get(key)) {
      differences.push(`${JSON.stringify(key)}: xattrs/ACLs [${expectedAttrs.get(key) ?? 'none'}] != [${actualAttrs.get(key) ?? 'none'}]`);
    }
  }
  const expectedLinks = linkGroups(expectedRoot, expectedPaths);
  const actualLinks = linkGroups(actualRoot, actualPaths);
  for (const key of new Set([...expectedLinks.keys(), ...actualLinks.keys()])) {
    if (expectedLinks.get(key) !== actualLinks.get(key)) {
      differences.push(`${JSON.stringify(key)}: hard links [${expectedLinks.get(key) ?? 'none'}] != [${actualLinks.get(key) ?? 'none'}]`);
    }
  }
  return differences;
};

/** Allocated bytes of a file (st_blocks), to check that a sparse file stayed sparse. */
export const allocatedBytes = (path: string): number => lstatSync(path).blocks * 512;

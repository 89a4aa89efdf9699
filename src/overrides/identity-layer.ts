import { createHash, randomBytes } from 'node:crypto';
import { chmod, lchown, mkdir, readdir, rename, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { HomePaths } from '../home/paths.js';
import { dbusMachineIdPath, machineIdPath } from '../identity/machine-id.js';
import type { FileOp, IdentityInput } from '../identity/identity-input.js';
import { planIdentity } from '../identity/plan-identity.js';
import { readRootSnapshot } from '../identity/read-root.js';
import type { RootSnapshot } from '../identity/root-snapshot.js';
import type { GeneratedLayer } from './layer-id.js';
import { whiteoutPrefix } from './layer-names.js';

/**
 * A fixed time for every generated file: the layer's content, not the moment serve built it, decides
 * whether a host's tree changed (and an update that changes nothing moves no times).
 */
const generatedTime = new Date('2000-01-01T00:00:00Z');

/**
 * The identity plan's changes that belong in the host's tree. The machine id is left out: the runner
 * makes it on the target at install, once, so an update never gives a host a new one.
 */
export const identityLayerOps = (ops: readonly FileOp[]): FileOp[] =>
  ops.filter((op) => op.path !== machineIdPath && op.path !== dbusMachineIdPath);

/** Pure: the host's identity planned over the image it will boot, as the ops of its layer; INVALID_DATA lists every problem. */
export const planIdentityLayer = (input: IdentityInput, image: RootSnapshot): FileOp[] =>
  // Randomness only feeds the machine id, which the layer drops.
  identityLayerOps(planIdentity({ input, snapshot: image, randomBytes: (size) => Buffer.alloc(size) }).ops);

/**
 * Writes ops as an override layer into `dir` (which must not exist): files and symlinks owned by root
 * with the ops' modes, and a `.wh.NAME` whiteout for each removal, so the generated layer is read,
 * merged, explained and deployed exactly like a hand-written one.
 */
export const writeGeneratedLayer = async (dir: string, ops: readonly FileOp[]): Promise<void> => {
  await mkdir(dir, { mode: 0o755 });
  const dirs = new Set<string>();
  const place = async (path: string): Promise<string> => {
    const parent = posix.dirname(path);
    if (parent !== '.' && !dirs.has(parent)) {
      await mkdir(join(dir, parent), { recursive: true, mode: 0o755 });
      for (let up = parent; up !== '.'; up = posix.dirname(up)) dirs.add(up);
    }
    return join(dir, path);
  };
  for (const op of ops) {
    if (op.op === 'write') {
      const file = await place(op.path);
      await writeFile(file, op.content, { mode: op.mode });
      await chmod(file, op.mode);
      await lchown(file, 0, 0);
      await utimes(file, generatedTime, generatedTime);
    } else if (op.op === 'symlink') {
      const link = await place(op.path);
      await symlink(op.target, link);
      await lchown(link, 0, 0);
    } else {
      const whiteout = await place(posix.join(posix.dirname(op.path), `${whiteoutPrefix}${posix.basename(op.path)}`));
      await writeFile(whiteout, '', { mode: 0o644 });
      await utimes(whiteout, generatedTime, generatedTime);
    }
  }
  // Deepest first, after their contents: creating a child moved each directory's time.
  for (const parent of [...dirs].sort((a, b) => b.length - a.length)) await utimes(join(dir, parent), generatedTime, generatedTime);
  await utimes(dir, generatedTime, generatedTime);
};

/** Where serve keeps each host's generated identity layer: under run/ (0700), beside the trees built from it. */
export const servedIdentityDir = (paths: HomePaths): string => join(paths.home, 'run', 'identity');

/** Pure: names a layer by its content, so equal identities share one directory. */
export const identityLayerName = (ops: readonly FileOp[]): string =>
  createHash('sha256')
    .update(JSON.stringify(ops.map((op) => [op.op, op.path, op.op === 'write' ? [op.mode, op.content] : op.op === 'symlink' ? op.target : null])))
    .digest('hex')
    .slice(0, 16);

/**
 * Writes the layer to `<base>/<host>/<content digest>` unless it is there already (staged, then renamed:
 * a reader never sees half a layer) and removes the host's other layers. An unchanged identity keeps its
 * directory, times and ctimes, so serve does not rebuild the host's tree for it.
 */
export const writeIdentityLayer = async (base: string, host: string, ops: readonly FileOp[]): Promise<string> => {
  const hostDir = join(base, host);
  const name = identityLayerName(ops);
  const dir = join(hostDir, name);
  await mkdir(hostDir, { recursive: true, mode: 0o700 });
  const existing = await readdir(hostDir);
  if (!existing.includes(name)) {
    const staging = join(hostDir, `.${name}.${randomBytes(4).toString('hex')}`);
    try {
      await writeGeneratedLayer(staging, ops);
      await rename(staging, dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOTEMPTY' || error.code === 'EEXIST' ? undefined : Promise.reject(error)));
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
  // Superseded layers only; another writer's staging directory (dot-named) is its own to remove.
  await Promise.all(existing.filter((entry) => entry !== name && !entry.startsWith('.')).map((entry) => rm(join(hostDir, entry), { recursive: true, force: true })));
  return dir;
};

/** The host's identity planned over the image root and written under `base` as a generated layer. */
export const generateIdentityLayer = async (host: string, input: IdentityInput, imageRoot: string, base: string): Promise<GeneratedLayer> => ({
  id: { kind: 'identity', name: host },
  dir: await writeIdentityLayer(base, host, planIdentityLayer(input, await readRootSnapshot(imageRoot))),
});

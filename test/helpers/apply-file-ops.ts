import { chmod, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FileOp } from '../../src/identity/identity-input.js';

/**
 * Applies identity file ops to a root the simple way tests need (the runner's applier is another
 * change): writes with their mode, symlinks, removals. Paths are root-relative.
 */
export const applyFileOps = async (root: string, ops: readonly FileOp[]): Promise<void> => {
  for (const op of ops) {
    const path = join(root, op.path);
    await rm(path, { force: true });
    if (op.op === 'remove') continue;
    await mkdir(dirname(path), { recursive: true });
    if (op.op === 'symlink') await symlink(op.target, path);
    else {
      await writeFile(path, op.content, { mode: op.mode });
      await chmod(path, op.mode);
    }
  }
};

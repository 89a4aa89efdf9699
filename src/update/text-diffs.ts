import { lstat, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { textDiffs, type TextDiff } from '../image/text-diff.js';
import type { TreeChange } from '../image/tree-diff.js';
import { cleanEnvironmentNames, rsyncPasswordName } from '../runner/command-environment.js';
import { execPlanned, type PlannedRunner } from '../runner/run-planned.js';
import type { MountNamespace } from '../sys/mount-namespace.js';
import type { PlannedCommand } from '../sys/planned-command.js';
import { buildFetchListedArgs } from '../sys/rsync-pull.js';
import { hostPath } from './host-facts.js';
import type { UpdatePlan } from './plan-update.js';
import type { UpdateChange } from './update-changes.js';

/** Pure: the rsync that fetches a pass's changed files into a scratch directory, to diff them against the host's. */
export const planFetchChanged = (source: string, listFile: string, destination: string): PlannedCommand => ({
  program: 'rsync',
  args: buildFetchListedArgs(source, listFile, `${destination}/`, 60),
  env: [...cleanEnvironmentNames, rsyncPasswordName],
  where: 'namespace',
  okExitCodes: [0, 24],
});

/**
 * `--dry-run --text`: unified diffs of the regular files a dry run would change, the new content fetched from
 * the same modules into a scratch directory (removed after) and diffed by image diff's rules (private, binary,
 * over 1 MiB or too different: named, not shown). Nothing on the host is written.
 */
export const updateTextDiffs = async (
  plan: UpdatePlan,
  changes: readonly UpdateChange[],
  runner: Pick<PlannedRunner, 'exec' | 'environment' | 'log'>,
  namespace: MountNamespace,
): Promise<TextDiff[]> => {
  const work = await mkdtemp(join(tmpdir(), 'rootcast-update-text-'));
  try {
    const diffs: TextDiff[] = [];
    for (const pass of plan.passes) {
      const paths = changes.filter((change) => change.pass === pass.name && change.action === 'change' && change.type === 'f').map((change) => change.path);
      if (paths.length === 0) continue;
      const list = join(work, `${pass.name}.list`);
      const fetched = join(work, pass.name);
      await writeFile(list, paths.map((path) => path.slice(1)).join('\0'));
      await execPlanned(runner, planFetchChanged(pass.source, list, fetched), namespace);
      const treeChanges: TreeChange[] = await Promise.all(paths.map(async (path) => ({
        kind: 'changed' as const,
        path: Buffer.from(path),
        type: 'file' as const,
        fields: [{ field: 'content' as const, from: '', to: '' }],
        before: await lstat(hostPath(plan.root, path), { bigint: true }),
        after: await lstat(join(fetched, path), { bigint: true }),
      })));
      diffs.push(...(await textDiffs(plan.root === '/' ? '' : plan.root, fetched, treeChanges)));
    }
    return diffs;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
};

import { comparePaths } from '../image/tree-walk.js';
import { quoteShellWord } from '../sys/command-line.js';
import type { PlannedCommand } from '../sys/planned-command.js';
import { rsyncEnvironment } from '../sys/rsync.js';
import { imagePathOf } from './capture-warnings.js';
import type { CaptureSource } from './source-spec.js';

/**
 * What changed while the pull ran can only be a name whose inode changed since it began: every write, chmod,
 * link and rename sets the inode's ctime, which no user can set. So settling first asks find for those names
 * (cheap: no data, no ACLs, nothing sent for unchanged files) and lets rsync compare just them.
 */

/** The source's clock read at one moment of ours: `sourceSeconds` (its `date +%s`) at our monotonic `ourMs`. */
export interface SourceClock {
  sourceSeconds: number;
  ourMs: number;
}

/**
 * Taken off the pull's start: ctime comes from a coarse kernel clock, up to a tick (≤ 10 ms) behind the
 * time of the write. A name changed just before the pull is merely checked too.
 */
export const settleMarginSeconds = 0.05;

/**
 * The source's clock when the pull began, less the margin, in milliseconds' precision, from a reading taken
 * before or after it: `sourceSeconds` was printed before we received it at `ourMs`, so this is never later
 * than the true time, as long as neither clock is stepped back meanwhile.
 */
export const changedSinceSeconds = (clock: SourceClock, pullStartedMs: number): string =>
  (Math.floor((clock.sourceSeconds + (pullStartedMs - clock.ourMs) / 1000 - settleMarginSeconds) * 1000) / 1000).toFixed(3);

/** The roots find walks: the source root and the extra local filesystems, each on its own filesystem (-xdev), as rsync -x. */
const findRoots = (source: CaptureSource, localMounts: readonly string[]): string[] =>
  source.kind === 'dir' ? [source.path.replace(/\/+$/, '') || '/'] : ['/', ...localMounts];

/**
 * find for every name under the source whose inode changed since the time it reads on stdin (so the argv is
 * known now): on the golden client over the inspection's SSH session, or here for --from-dir.
 */
export const planChangeListing = (source: CaptureSource, localMounts: readonly string[]): PlannedCommand => ({
  program: 'sh',
  args: [
    '-c',
    `read since && exec find ${findRoots(source, localMounts).map(quoteShellWord).join(' ')} -xdev -ignore_readdir_race -newerct "@$since" -print0`,
  ],
  ...(source.kind === 'ssh' ? { env: [], where: 'ssh' as const } : { env: Object.keys(rsyncEnvironment), inheritEnv: true, where: 'here' as const }),
  okExitCodes: [0],
  stdin: `${source.kind === 'ssh' ? "the golden client's" : 'our'} clock (epoch seconds) when the pull began, less ${settleMarginSeconds * 1000} ms`,
});

/**
 * find's NUL-separated names → what rsync must compare: image paths, each once, and nothing below a name
 * that is listed itself (a changed directory is compared whole: a renamed one brings other files under its names).
 */
export const selectChangedNames = (output: Buffer, sourceRoot: string): Buffer[] => {
  const root = sourceRoot.replace(/\/+$/, '');
  const names: Buffer[] = [];
  let start = 0;
  for (let end = output.indexOf(0); end !== -1; start = end + 1, end = output.indexOf(0, start)) {
    const name = output.subarray(start, end);
    names.push(name.equals(Buffer.from(root)) || name.equals(Buffer.from('/')) ? Buffer.from('/') : imagePathOf(sourceRoot, name));
  }
  names.sort(comparePaths);
  const kept: Buffer[] = [];
  for (const name of names) {
    const last = kept.at(-1);
    if (last !== undefined && (last.equals(name) || last.length === 1 || (name.subarray(0, last.length).equals(last) && name[last.length] === 0x2f))) continue;
    kept.push(name);
  }
  return kept;
};

/** rsync's stdin for the names to compare (`--files-from=- --from0`): relative to the source root, "." for the root itself. */
export const buildChangedNamesList = (names: readonly Buffer[]): Buffer =>
  Buffer.concat(names.flatMap((name) => [name.length === 1 && name[0] === 0x2f ? Buffer.from('.') : name.subarray(1), Buffer.from([0])]));

import type { CaptureWarning } from '../image/manifest.js';
import { escapePath } from '../image/path-escape.js';

/** How many paths a warning names; the count says how many there were. */
export const maxWarningPaths = 20;

/**
 * A sender path as rsync printed it (`/srv/roots/web/etc/x` for --from-dir, `/etc/x` over SSH, `etc/x`
 * relative to the transfer root) → the path inside the image (`/etc/x`), still raw bytes.
 */
export const imagePathOf = (sourceRoot: string, senderPath: Buffer): Buffer => {
  if (senderPath[0] !== 0x2f) return Buffer.concat([Buffer.from('/'), senderPath]);
  const prefix = Buffer.from(sourceRoot.replace(/\/+$/, ''));
  const inside = prefix.length > 0 && senderPath.subarray(0, prefix.length).equals(prefix) && senderPath[prefix.length] === 0x2f;
  // latin1 maps bytes to chars one to one; rsync may keep the "/./" that marks where --relative paths start.
  return Buffer.from((inside ? senderPath.subarray(prefix.length) : senderPath).toString('latin1').replace('/./', '/'), 'latin1');
};

/** Escaped and distinct, in first-seen order (a file can vanish in the pull and again in a settling listing). */
const displayPaths = (paths: readonly Buffer[]): string[] => [...new Set(paths.map(escapePath))];

/**
 * The warnings of a finished capture, vanished files first. `vanished`: those still missing from the
 * stored tree (a later pass may have copied a file of the same name); `vanishedUnnamed`: rsync exited 24
 * but no line named a file (an rsync that words it differently still warns, with count 0).
 */
export const buildCaptureWarnings = (facts: { vanished: readonly Buffer[]; vanishedUnnamed: boolean; unstable: readonly Buffer[] }): CaptureWarning[] => {
  const warnings: CaptureWarning[] = [];
  const vanished = displayPaths(facts.vanished);
  if (vanished.length > 0 || facts.vanishedUnnamed) warnings.push({ kind: 'vanished', count: vanished.length, first: vanished.slice(0, maxWarningPaths) });
  const unstable = displayPaths(facts.unstable);
  if (unstable.length > 0) warnings.push({ kind: 'unstable', count: unstable.length, first: unstable.slice(0, maxWarningPaths) });
  return warnings;
};

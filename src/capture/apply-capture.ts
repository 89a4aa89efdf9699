import { lstat } from 'node:fs/promises';
import type { HomePaths } from '../home/paths.js';
import type { CaptureWarning, ImageManifest } from '../image/manifest.js';
import { commitStaging, type Staging } from '../image/staging.js';
import { absolutePath, measureTree } from '../image/tree-walk.js';
import type { Exec } from '../sys/exec.js';
import type { SshSession } from '../sys/ssh-session.js';
import { rootcastVersion } from '../package/version.js';
import { buildCaptureManifest } from './build-manifest.js';
import { buildCaptureWarnings } from './capture-warnings.js';
import { runChangeListing } from './change-listing.js';
import { writeEmptyMachineId } from './identity-files.js';
import type { Inspection } from './inspection.js';
import type { CapturePlan } from './plan.js';
import { scanSecrets } from './secrets.js';
import { changedSinceSeconds, type SourceClock } from './settle-window.js';
import { settleStaging, type SettleOutcome } from './settling.js';
import { mergeOutcomes, runBesideInspection, runTransfers, type TransferOptions, type TransferOutcome } from './transfer.js';

/** Where the time of one capture went (ms); `inspect` overlaps `pull` when the host was already known. */
export interface CaptureTimings {
  /** Credentials, known_hosts, the lock, the staging directory, the plan. */
  prepare: number;
  inspect: number;
  pull: number;
  settle: number;
  /** What of measuring the tree did not fit beside settling, the secrets scan, the manifest and the rename. */
  store: number;
}

/** What the golden client looks like, once known (before the pull, or beside it). */
export interface InspectedSource {
  inspection: Inspection;
  /** The inspection's session: the settling's change listing runs on it. */
  session?: SshSession;
  clock?: SourceClock;
}

export interface ApplyCaptureInput {
  paths: HomePaths;
  staging: Staging;
  /** Plans with what is known so far (before a beside-the-pull inspection, without the extra filesystems' pass). */
  plan: (inspection: Inspection | undefined) => CapturePlan;
  /** Known before the pull, or to be inspected beside the root pass. */
  inspected: InspectedSource | ((signal: AbortSignal | undefined) => Promise<InspectedSource>);
  transfer: TransferOptions;
  exec: Exec;
  now: () => Date;
  monotonicMs: () => number;
  signal?: AbortSignal | undefined;
}

export interface AppliedCapture {
  plan: CapturePlan;
  manifest: ImageManifest;
  /** rsync --stats of the pull (settling is counted in `settle`). */
  stats: TransferOutcome['stats'];
  settle: Omit<SettleOutcome, 'outcome' | 'unstable'>;
  warnings: CaptureWarning[];
  timings: Omit<CaptureTimings, 'prepare'>;
}

/** Vanished paths no later pass copied after all (a log rotated mid-capture comes back under its name). */
const keepMissing = async (root: string, paths: readonly Buffer[]): Promise<Buffer[]> => {
  const present = await Promise.all(paths.map((path) => lstat(absolutePath(root, path)).then(() => true, () => false)));
  return paths.filter((_, index) => !present[index]);
};

/** The pull (with the inspection beside it when the host is known), settling, then the stored version. */
export const applyCapture = async (input: ApplyCaptureInput): Promise<AppliedCapture> => {
  const clock = input.monotonicMs;
  const pullStarted = clock();
  const pullStartedSeconds = input.now().getTime() / 1000;
  let inspectMs = 0;
  let inspected: InspectedSource;
  let plan: CapturePlan;
  let pulled: TransferOutcome;
  if (typeof input.inspected !== 'function') {
    inspected = input.inspected;
    plan = input.plan(inspected.inspection);
    pulled = await runTransfers(plan.pull, input.transfer);
  } else {
    // Known host: OpenSSH verifies the key itself, so inspection and the root pass run side by side.
    const inspect = input.inspected;
    const first = input.plan(undefined);
    const [found, rootPass] = await runBesideInspection(
      input.signal,
      async (signal) => {
        const result = await inspect(signal);
        inspectMs = clock() - pullStarted;
        return result;
      },
      (signal) => runTransfers(first.pull.slice(0, 1), { ...input.transfer, signal }),
    );
    inspected = found;
    plan = input.plan(inspected.inspection);
    pulled = mergeOutcomes(rootPass, await runTransfers(plan.pull.slice(1), input.transfer));
  }
  const settleStarted = clock();
  const root = input.staging.root;
  // Now, not after settling: the tree measured beside it is then the one committed (settling never lists machine-id).
  await writeEmptyMachineId(root, plan.linkDest[0]);
  // The walk runs while settling waits on the golden client; a listing changes nothing, so it holds unless a re-pull ran.
  const measuring = measureTree(root);
  measuring.catch(() => undefined);
  // The source's clock: the golden client's as inspected, or ours (--from-dir) as the pull began.
  const sourceClock = inspected.clock ?? (plan.source.kind === 'dir' ? { sourceSeconds: pullStartedSeconds, ourMs: pullStarted } : undefined);
  const since = sourceClock === undefined ? undefined : changedSinceSeconds(sourceClock, pullStarted);
  const place = { exec: input.exec, session: inspected.session, signal: input.signal };
  const { outcome: settled, unstable, ...settle } = await settleStaging(
    plan.settle,
    root,
    input.transfer,
    since === undefined ? undefined : (command) => runChangeListing(command, since, place),
  );
  const storeStarted = clock();
  // Measured on the tree about to be renamed: rsync's sender stats also count files that vanished.
  const stored = settle.repulledFiles === 0 ? await measuring : await measuring.then(() => measureTree(root), () => measureTree(root));
  const secrets = await scanSecrets(root);
  const all = mergeOutcomes(pulled, settled);
  const vanishedUnnamed = all.vanishedExit && all.vanished.length === 0;
  const warnings = buildCaptureWarnings({ vanished: await keepMissing(root, all.vanished), vanishedUnnamed, unstable });
  const facts = { plan, inspection: inspected.inspection, stored, secrets, warnings, createdAt: input.now(), rootcastVersion };
  const manifest = await commitStaging(input.paths, input.staging, (version) => buildCaptureManifest(facts, version));
  const timings = { inspect: inspectMs, pull: settleStarted - pullStarted, settle: storeStarted - settleStarted, store: clock() - storeStarted };
  return { plan, manifest, stats: pulled.stats, settle, warnings, timings };
};

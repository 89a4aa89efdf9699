import { lstat, rmdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RootcastError, isRootcastError } from '../errors/rootcast-error.js';
import type { HomePaths } from '../home/paths.js';
import { imageLayout } from '../image/layout.js';
import { withImageLock } from '../image/lock.js';
import type { CaptureWarning, ImageManifest } from '../image/manifest.js';
import { abortStaging, beginStaging, commitStaging, findLeftoverDirs, removeEmptyImageDir } from '../image/staging.js';
import { absolutePath, measureTree } from '../image/tree-walk.js';
import { listVersions } from '../image/versions.js';
import type { Exec } from '../sys/exec.js';
import type { RsyncStats } from '../sys/rsync-stats.js';
import { rootcastVersion } from '../package/version.js';
import { buildCaptureManifest } from './build-manifest.js';
import { buildCaptureWarnings } from './capture-warnings.js';
import { loadHostTrust, type HostTrust } from './host-trust.js';
import { writeEmptyMachineId } from './identity-files.js';
import { inspectDir } from './inspect-dir.js';
import { assertRemoteRsync, inspectRemote } from './inspect-remote.js';
import type { Inspection } from './inspection.js';
import { keepsNanosecondMtimes } from './mtime-precision.js';
import { planCapture, type CapturePlan, type CapturePlanInput } from './plan.js';
import { scanSecrets } from './secrets.js';
import { settleStaging, type SettleOutcome } from './settling.js';
import { loadSshCredentials } from './ssh-credentials.js';
import { describeSource, type CaptureSource } from './source-spec.js';
import { describeTransferError, mergeOutcomes, runBesideInspection, runTransfers, type TransferOutcome } from './transfer.js';

export interface CaptureRequest {
  image: string;
  source: CaptureSource;
  userExcludes: string[];
  includes: string[];
  useDefaultExcludes: boolean;
  knownHostsFile: string;
  sshKey?: string | undefined;
  acceptNewHostKey: boolean;
  dryRun: boolean;
  /** Show rsync progress (stderr is a terminal). */
  progress: boolean;
  /** Re-pulls of files changed while the pull read them (--settle; 0: no settling). @default 1 */
  settleRepulls: number;
}

export interface CaptureEffects {
  paths: HomePaths;
  exec: Exec;
  env: NodeJS.ProcessEnv;
  now: () => Date;
  signal?: AbortSignal | undefined;
}

export type CaptureOutcome =
  | { kind: 'dry-run'; plan: CapturePlan; inspection: Inspection }
  | {
      kind: 'captured';
      plan: CapturePlan;
      manifest: ImageManifest;
      /** rsync --stats of the pull (settling is counted in `settle`). */
      stats: RsyncStats;
      /** Settling after the pull (what was still changing is in `warnings`). */
      settle: Omit<SettleOutcome, 'outcome' | 'unstable'>;
      warnings: CaptureWarning[];
      elapsedMs: number;
    };

const assertSourceDir = async (path: string): Promise<void> => {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new RootcastError('NOT_FOUND', `--from-dir ${path} does not exist`, { hint: 'pass the directory holding the root tree (e.g. a debootstrap target)' });
  if (!info.isDirectory()) throw new RootcastError('INVALID_ARGUMENT', `--from-dir ${path} is not a directory`, { hint: 'pass the directory holding the root tree' });
};

/** Vanished paths no later pass copied after all (a log rotated mid-capture comes back under its name). */
const keepMissing = async (root: string, paths: readonly Buffer[]): Promise<Buffer[]> => {
  const present = await Promise.all(paths.map((path) => lstat(absolutePath(root, path)).then(() => true, () => false)));
  return paths.filter((_, index) => !present[index]);
};

const latestOf = async (paths: HomePaths, image: string): Promise<CapturePlanInput['latest']> => {
  const version = (await listVersions(paths, image)).at(-1);
  return version === undefined ? undefined : { version, root: imageLayout(paths).versionRoot(image, version) };
};

/** Reads, plans and (unless --dry-run) performs one capture into a new immutable version. */
export const runCapture = async (request: CaptureRequest, effects: CaptureEffects): Promise<CaptureOutcome> => {
  const started = effects.now().getTime();
  const source: CaptureSource = request.source.kind === 'dir' ? { kind: 'dir', path: resolve(request.source.path) } : request.source;
  if (source.kind === 'dir') await assertSourceDir(source.path);
  const credentials = source.kind === 'ssh' ? await loadSshCredentials(request.sshKey, effects.env) : {};
  let trust: HostTrust | undefined;
  let inspection: Inspection | undefined;
  if (source.kind === 'ssh') {
    trust = await loadHostTrust(source, { knownHostsFile: request.knownHostsFile, acceptNew: request.acceptNewHostKey, readOnly: request.dryRun });
    // An unknown host must be checked (and maybe recorded) before OpenSSH, which would refuse it, runs.
    if (!trust.known || request.dryRun) inspection = await inspectRemote(source, credentials, trust, effects.signal);
  } else {
    inspection = await inspectDir(source.path);
  }
  if (inspection !== undefined && source.kind === 'ssh') assertRemoteRsync(inspection, describeSource(source));
  // A new key is trusted only now: its session authenticated and the golden client has rsync.
  await trust?.recordAcceptedKey();
  const planInput = (stagingRoot: string, leftoverRoots: string[], latest: CapturePlanInput['latest'], nanosecondMtimes: boolean): CapturePlanInput => ({
    image: request.image,
    source,
    userExcludes: request.userExcludes,
    includes: request.includes,
    useDefaultExcludes: request.useDefaultExcludes,
    mounts: inspection?.mounts,
    latest,
    leftoverRoots,
    stagingRoot,
    ssh: source.kind === 'ssh' ? { knownHostsFile: request.knownHostsFile, identityFile: request.sshKey } : undefined,
    progress: request.progress,
    settleRepulls: request.settleRepulls,
    nanosecondMtimes,
  });
  if (request.dryRun) {
    const stagingRoot = join(imageLayout(effects.paths).stagingDir(request.image), '<new>', 'root');
    const leftoverRoots = (await findLeftoverDirs(effects.paths, request.image)).map((dir) => join(dir, 'root'));
    const plan = planCapture(planInput(stagingRoot, leftoverRoots, await latestOf(effects.paths, request.image), await keepsNanosecondMtimes(stagingRoot)));
    return { kind: 'dry-run', plan, inspection: inspection as Inspection };
  }

  const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);
  const imagesDirExisted = await exists(effects.paths.imagesDir);
  const stagingParent = imageLayout(effects.paths).stagingDir(request.image);
  const stagingParentExisted = await exists(stagingParent);
  try {
    return await withImageLock(effects.paths, request.image, async () => {
      const staging = await beginStaging(effects.paths, request.image);
      try {
        const nanosecondMtimes = await keepsNanosecondMtimes(staging.root);
        let plan = planCapture(planInput(staging.root, staging.leftoverRoots, await latestOf(effects.paths, request.image), nanosecondMtimes));
        const sourceRoot = source.kind === 'dir' ? source.path : '/';
        const transferOptions = { exec: effects.exec, sourceLabel: plan.sourceLabel, sourceRoot, echo: request.progress, signal: effects.signal };
        let outcome: TransferOutcome;
        if (inspection !== undefined) {
          outcome = await runTransfers(plan.transfers, transferOptions);
        } else {
          // Known host: OpenSSH verifies the key itself, so inspection and the root pass run side by side.
          const [inspected, rootPass] = await runBesideInspection(
            effects.signal,
            (signal) => inspectRemote(source as Extract<CaptureSource, { kind: 'ssh' }>, credentials, trust as HostTrust, signal),
            (signal) => runTransfers(plan.transfers.slice(0, 1), { ...transferOptions, signal }),
          );
          inspection = inspected;
          plan = planCapture(planInput(staging.root, staging.leftoverRoots, await latestOf(effects.paths, request.image), nanosecondMtimes));
          outcome = mergeOutcomes(rootPass, await runTransfers(plan.transfers.slice(1), transferOptions));
        }
        const { outcome: settled, unstable, ...settle } = await settleStaging(plan.settle, staging.root, transferOptions);
        await writeEmptyMachineId(staging.root, plan.linkDest[0]);
        const secrets = await scanSecrets(staging.root);
        const all = mergeOutcomes(outcome, settled);
        const vanishedUnnamed = all.vanishedExit && all.vanished.length === 0;
        const warnings = buildCaptureWarnings({ vanished: await keepMissing(staging.root, all.vanished), vanishedUnnamed, unstable });
        // Measured on the tree about to be renamed: rsync's sender stats also count files that vanished.
        const stored = await measureTree(staging.root);
        const facts = { plan, inspection, stored, secrets, warnings, createdAt: effects.now(), rootcastVersion };
        const manifest = await commitStaging(effects.paths, staging, (version) => buildCaptureManifest(facts, version));
        return { kind: 'captured' as const, plan, manifest, stats: outcome.stats, settle, warnings, elapsedMs: effects.now().getTime() - started };
      } catch (error) {
        await abortStaging(staging);
        throw error;
      }
    });
  } catch (error) {
    // A failed capture leaves the store exactly as it found it.
    if (!stagingParentExisted) await rmdir(stagingParent).catch(() => undefined);
    await removeEmptyImageDir(effects.paths, request.image).catch(() => undefined);
    if (!imagesDirExisted) await rmdir(effects.paths.imagesDir).catch(() => undefined);
    if (effects.signal?.aborted === true && !(isRootcastError(error) && error.code === 'INTERRUPTED')) {
      throw new RootcastError('INTERRUPTED', `capture of ${request.image} was interrupted; no version was created`, { hint: 're-run the capture', cause: error });
    }
    throw describeTransferError(error, describeSource(source));
  }
};

import { rmdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RootcastError, isRootcastError } from '../errors/rootcast-error.js';
import type { HomePaths } from '../home/paths.js';
import { imageLayout } from '../image/layout.js';
import { withImageLock } from '../image/lock.js';
import type { CaptureWarning, ImageManifest } from '../image/manifest.js';
import { abortStaging, beginStaging, findLeftoverDirs, removeEmptyImageDir } from '../image/staging.js';
import { unmadeStagingName } from '../image/shell-plan.js';
import { listVersions } from '../image/versions.js';
import type { Exec } from '../sys/exec.js';
import type { RsyncStats } from '../sys/rsync-stats.js';
import { openSshSession, type OpenSsh, type SshSession } from '../sys/ssh-session.js';
import { applyCapture, type CaptureTimings, type InspectedSource } from './apply-capture.js';
import { loadHostTrust, type HostTrust } from './host-trust.js';
import { inspectDir } from './inspect-dir.js';
import { assertRemoteRsync, inspectRemote } from './inspect-remote.js';
import type { Inspection } from './inspection.js';
import { keepsNanosecondMtimes } from './mtime-precision.js';
import { planCapture, type CapturePlan, type CapturePlanInput } from './plan.js';
import type { SettleOutcome } from './settling.js';
import { loadSshCredentials } from './ssh-credentials.js';
import { describeSource, type CaptureSource } from './source-spec.js';
import { describeTransferError } from './transfer.js';

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
  /** A clock that never steps (ms): how long the pull has run, set against the golden client's clock. */
  monotonicMs: () => number;
  /** How SSH sessions are opened (the inspection's, kept for settling). @default openSshSession */
  openSsh?: OpenSsh | undefined;
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
      /** Where the time went. */
      timingsMs: CaptureTimings;
    };

const assertSourceDir = async (path: string): Promise<void> => {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new RootcastError('NOT_FOUND', `--from-dir ${path} does not exist`, { hint: 'pass the directory holding the root tree (e.g. a debootstrap target)' });
  if (!info.isDirectory()) throw new RootcastError('USAGE', `--from-dir ${path} is not a directory`, { hint: 'pass the directory holding the root tree' });
};

const latestOf = async (paths: HomePaths, image: string): Promise<CapturePlanInput['latest']> => {
  const version = (await listVersions(paths, image)).at(-1);
  return version === undefined ? undefined : { version, root: imageLayout(paths).versionRoot(image, version) };
};

/** Reads, plans and (unless --dry-run) performs one capture into a new immutable version. */
export const runCapture = async (request: CaptureRequest, effects: CaptureEffects): Promise<CaptureOutcome> => {
  const started = effects.monotonicMs();
  const source: CaptureSource = request.source.kind === 'dir' ? { kind: 'dir', path: resolve(request.source.path) } : request.source;
  if (source.kind === 'dir') await assertSourceDir(source.path);
  const credentials = source.kind === 'ssh' ? await loadSshCredentials(request.sshKey, effects.env) : {};
  // The inspection's SSH session stays open for the settling's change listing; closed whatever happens.
  const sessions: SshSession[] = [];
  const inspect = async (target: Extract<CaptureSource, { kind: 'ssh' }>, trust: HostTrust, signal: AbortSignal | undefined): Promise<InspectedSource> => {
    const remote = await inspectRemote({ target, credentials, trust, monotonicMs: effects.monotonicMs, openSsh: effects.openSsh ?? openSshSession, signal });
    sessions.push(remote.session);
    return remote;
  };
  try {
    let trust: HostTrust | undefined;
    let inspected: InspectedSource | undefined;
    const inspectStarted = effects.monotonicMs();
    if (source.kind === 'ssh') {
      trust = await loadHostTrust(source, { knownHostsFile: request.knownHostsFile, acceptNew: request.acceptNewHostKey, readOnly: request.dryRun });
      // An unknown host must be checked (and maybe recorded) before OpenSSH, which would refuse it, runs.
      if (!trust.known || request.dryRun) {
        inspected = await inspect(source, trust, effects.signal);
        assertRemoteRsync(inspected.inspection, describeSource(source));
      }
    } else {
      inspected = { inspection: await inspectDir(source.path) };
    }
    const inspectMs = inspected === undefined ? 0 : effects.monotonicMs() - inspectStarted;
    // A new key is trusted only now: its session authenticated and the golden client has rsync.
    await trust?.recordAcceptedKey();
    const planInput = (inspection: Inspection | undefined, stagingRoot: string, leftoverRoots: string[], latest: CapturePlanInput['latest'], nanosecondMtimes: boolean): CapturePlanInput => ({
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
      // Over SSH the golden client needs GNU find and a clock; here, our own find is assumed (settling falls back if not).
      findsChanges: source.kind === 'dir' || (inspection?.findsChanges === true && inspection.clockSeconds !== undefined),
    });
    if (request.dryRun) {
      const inspection = (inspected as InspectedSource).inspection;
      const stagingRoot = join(imageLayout(effects.paths).stagingDir(request.image), unmadeStagingName, 'root');
      const leftoverRoots = (await findLeftoverDirs(effects.paths, request.image)).map((dir) => join(dir, 'root'));
      const plan = planCapture(planInput(inspection, stagingRoot, leftoverRoots, await latestOf(effects.paths, request.image), await keepsNanosecondMtimes(stagingRoot)));
      return { kind: 'dry-run', plan, inspection };
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
          const latest = await latestOf(effects.paths, request.image);
          const plan = (inspection: Inspection | undefined): CapturePlan => planCapture(planInput(inspection, staging.root, staging.leftoverRoots, latest, nanosecondMtimes));
          const transfer = { exec: effects.exec, sourceLabel: describeSource(source), sourceRoot: source.kind === 'dir' ? source.path : '/', echo: request.progress, signal: effects.signal };
          const prepare = effects.monotonicMs() - started - inspectMs;
          const applied = await applyCapture({
            paths: effects.paths,
            staging,
            plan,
            inspected: inspected ?? ((signal) => inspect(source as Extract<CaptureSource, { kind: 'ssh' }>, trust as HostTrust, signal)),
            transfer,
            exec: effects.exec,
            now: effects.now,
            monotonicMs: effects.monotonicMs,
            signal: effects.signal,
          });
          const { timings, ...result } = applied;
          const timingsMs = { prepare, ...timings, inspect: inspected === undefined ? timings.inspect : inspectMs };
          return { kind: 'captured' as const, ...result, elapsedMs: effects.monotonicMs() - started, timingsMs };
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
  } finally {
    for (const session of sessions) session.close();
  }
};

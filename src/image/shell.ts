import { lstat, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RootcastError } from '../errors/rootcast-error.js';
import type { HomePaths } from '../home/paths.js';
import type { Exec } from '../sys/exec.js';
import { runOverlayShell, unsafeOverlayPath } from '../sys/overlay-shell.js';
import { rootcastVersion } from '../package/version.js';
import { withImageLock } from './lock.js';
import type { ImageManifest, SecretFinding } from './manifest.js';
import { parseImageRef } from './ref.js';
import { readKernelsInRoot } from './kernels.js';
import { planShell, sessionScratch, unmadeStagingName, type ShellPlan } from './shell-plan.js';
import { abortStaging, beginStaging, commitStaging } from './staging.js';
import { diffTrees } from './tree-diff.js';
import { measureTree } from './tree-walk.js';
import { readManifest, resolveParsedRef, type ResolvedVersion } from './versions.js';
import { imageLayout } from './layout.js';

export interface ShellRequest {
  ref: string;
  /** Undefined: an interactive /bin/sh on our terminal. */
  command: string | undefined;
  term: string | undefined;
  dryRun: boolean;
}

export interface ShellEffects {
  paths: HomePaths;
  exec: Exec;
  now: () => Date;
  /** Receives a non-interactive command's output once it has finished. */
  showOutput: (stdout: string, stderr: string) => void;
}

export type ShellOutcome =
  | { kind: 'planned'; plan: ShellPlan }
  | { kind: 'unchanged'; base: string }
  | { kind: 'committed'; base: string; ref: string; version: number; changes: number };

const assertMountablePath = (path: string): void => {
  if (unsafeOverlayPath(path)) {
    throw new RootcastError('USAGE', `cannot mount an overlay on "${path}": the path contains "," ":" or a newline`, {
      hint: 'use a --home whose path has none of those characters',
    });
  }
};

const exists = (path: string): Promise<boolean> => lstat(path).then(() => true, () => false);

/** The new version's manifest: the base's capture facts, fresh sizes/kernels, secrets that still exist. */
const buildShellManifest = async (plan: ShellPlan, base: ImageManifest, root: string, now: Date): Promise<(version: number) => ImageManifest> => {
  const measured = await measureTree(root);
  const kernels = await readKernelsInRoot(root);
  const secrets: SecretFinding[] = [];
  for (const secret of base.secrets) if (await exists(join(root, secret.path))) secrets.push(secret);
  return (version) => ({
    formatVersion: 1,
    image: plan.base.image,
    version,
    parentVersion: plan.base.version,
    createdAt: now.toISOString(),
    source: { kind: 'shell', from: plan.base.ref, command: plan.command },
    rootcastVersion,
    ...measured,
    ...(base.distro === undefined ? {} : { distro: base.distro }),
    kernels,
    mounts: base.mounts,
    disks: base.disks,
    excludes: base.excludes,
    ...(base.includes === undefined ? {} : { includes: base.includes }),
    secrets,
  });
};

/** Runs the planned session and commits merged as a new version when the command succeeded and changed something. */
const runSession = async (effects: ShellEffects, base: ResolvedVersion, request: ShellRequest): Promise<ShellOutcome> => {
  const staging = await beginStaging(effects.paths, base.image);
  try {
    const plan = planShell({ base, stagingDir: staging.dir, command: request.command, term: request.term });
    for (const dir of [plan.spec.upper, plan.spec.work, plan.spec.merged]) await mkdir(dir, { mode: 0o700 });
    const result = await runOverlayShell(effects.exec, plan.session, { interactive: request.command === undefined });
    if (request.command !== undefined) effects.showOutput(result.stdout, result.stderr);
    const status = Number((await readFile(plan.spec.statusFile, 'utf8')).trim());
    if (status !== 0) {
      throw new RootcastError('SUBPROCESS_FAILED', `the shell on ${base.ref} exited with status ${status}; no new version`, {
        details: plan.command === '' ? [] : [`command: ${plan.command}`],
        hint:
          plan.command === ''
            ? 'an interactive shell exits with the status of its last command; leave with "exit 0" to keep your changes'
            : 'nothing was committed; fix the command and run it again',
      });
    }
    if (!(await exists(plan.spec.syncedFile))) {
      await abortStaging(staging);
      return { kind: 'unchanged', base: base.ref };
    }
    await Promise.all(sessionScratch(plan).map((path) => rm(path, { recursive: true, force: true })));
    const changes = (await diffTrees(base.root, staging.root)).length;
    if (changes === 0) {
      await abortStaging(staging);
      return { kind: 'unchanged', base: base.ref };
    }
    const manifest = await buildShellManifest(plan, await readManifest(effects.paths, base.image, base.version), staging.root, effects.now());
    const committed = await commitStaging(effects.paths, staging, manifest);
    return { kind: 'committed', base: base.ref, ref: `${base.image}@${committed.version}`, version: committed.version, changes };
  } catch (error) {
    await abortStaging(staging);
    throw error;
  }
};

/** `image shell`: edit a version through an overlay; the base is never written (its files are shared by hard links). */
export const runImageShell = async (effects: ShellEffects, request: ShellRequest): Promise<ShellOutcome> => {
  const ref = parseImageRef(request.ref);
  const base = await resolveParsedRef(effects.paths, ref);
  assertMountablePath(base.root);
  if (request.dryRun) {
    const stagingDir = join(imageLayout(effects.paths).stagingDir(base.image), unmadeStagingName);
    return { kind: 'planned', plan: planShell({ base, stagingDir, command: request.command, term: request.term }) };
  }
  return withImageLock(effects.paths, base.image, async () => runSession(effects, await resolveParsedRef(effects.paths, ref), request));
};

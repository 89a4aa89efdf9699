import { lstat, mkdir, readFile, readlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { symlinkAtomic, writeFileAtomic } from '../sys/atomic-write.js';
import { formatDeployedState, nextDeployedState } from './plan-deployed-state.js';
import type { StepRuntime } from './step-runtime.js';
import type { StepResult } from './step-result.js';
import type { EnrollStep } from './steps.js';
import type { FirstBootInstall } from './plan-first-boot.js';
import { parentsBelow, withDirTimesKept } from '../sys/dir-times.js';

const installFirstBoot = async (step: EnrollStep, files: readonly (FirstBootInstall['files'][number] & { content: string })[]): Promise<void> => {
  for (const file of files) {
    const same = (await readFile(file.path, 'utf8').catch(() => undefined)) === file.content && ((await lstat(file.path)).mode & 0o7777) === file.mode;
    if (same) continue;
    await mkdir(dirname(file.path), { recursive: true, mode: 0o755 });
    await writeFileAtomic(file.path, file.content, { mode: file.mode });
  }
  // The link last: a half-installed report is never enabled.
  if ((await readlink(step.firstBoot.link.path).catch(() => undefined)) !== step.firstBoot.link.target) {
    await mkdir(dirname(step.firstBoot.link.path), { recursive: true, mode: 0o755 });
    await symlinkAtomic(step.firstBoot.link.target, step.firstBoot.link.path);
  }
};

/**
 * Fetches the host credential (same one on a retry) and writes it, root-only, where `rootcast update` will
 * look; installs and enables the first-boot report; then records the delivery in deployed.json, last.
 */
export const executeEnroll = async (step: EnrollStep, runtime: StepRuntime): Promise<StepResult> => {
  const enrolment = await runtime.enroll();
  await mkdir(dirname(step.credentialFile), { recursive: true, mode: 0o755 });
  await writeFileAtomic(step.credentialFile, `${enrolment.credential}\n`, { mode: 0o600 });
  await writeFileAtomic(step.clientFile, `${JSON.stringify({ server: step.server, host: enrolment.host, rsyncUser: enrolment.rsyncUser }, null, 2)}\n`, { mode: 0o644 });
  const files = await Promise.all(step.firstBoot.files.map(async (file) => ({ ...file, content: await runtime.fetchText(file.url) })));
  // Rewritten only when they differ, so a re-run leaves their inodes alone; the image's directories keep their times.
  const parents = [...files.map((file) => file.path), step.firstBoot.link.path].flatMap((path) => parentsBelow(step.firstBoot.root, path));
  await withDirTimesKept(parents, () => installFirstBoot(step, files));
  const previous = await readFile(step.deployedStateFile, 'utf8').catch(() => undefined);
  const next = nextDeployedState(previous, step.host, step.server, { ...step.delivery, at: runtime.now().toISOString() });
  if (next.note !== undefined) runtime.log(`enroll: ${next.note}`);
  await writeFileAtomic(step.deployedStateFile, formatDeployedState(next.state), { mode: 0o644 });
  return { status: 'succeeded', details: { message: `host credential written to ${step.credentialFile}; first-boot report enabled; ${step.delivery.ref} recorded in ${step.deployedStateFile}` } };
};

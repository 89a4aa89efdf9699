import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { HomePaths } from '../home/paths.js';
import { listImages, listVersions } from '../image/versions.js';
import { writeFileAtomic } from '../sys/atomic-write.js';
import type { ImageVersionOnDisk, RsyncdConfig } from './rsyncd-plan.js';
import type { RsyncdConfTemplate } from './rsyncd-render.js';

/** Every committed image version in the store (the read step before planning the daemon config). */
export const listImageVersionsOnDisk = async (paths: HomePaths): Promise<ImageVersionOnDisk[]> => {
  const images = await listImages(paths);
  const perImage = await Promise.all(
    images.map(async (image) => (await listVersions(paths, image)).map((version) => ({ image, version }))),
  );
  return perImage.flat();
};

/** The secrets file alone (a token was issued, spent or expired); rsync reads it on every login. */
export const writeRsyncdSecrets = async (config: RsyncdConfig, secrets: string): Promise<void> => {
  await mkdir(dirname(config.files.secretsFile), { recursive: true, mode: 0o700 });
  await writeFileAtomic(config.files.secretsFile, secrets, { mode: 0o600 });
};

/** Writes rsyncd.conf and its secrets file atomically, secrets first so a new user never meets a conf without its password. */
export const writeRsyncdFiles = async (config: RsyncdConfig, secrets: string, template: RsyncdConfTemplate): Promise<void> => {
  const text = template(config);
  await mkdir(dirname(config.files.configFile), { recursive: true, mode: 0o755 });
  await writeRsyncdSecrets(config, secrets);
  await writeFileAtomic(config.files.configFile, text, { mode: 0o644 });
};

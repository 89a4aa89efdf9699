import { join } from 'node:path';
import { formatImageRef } from '../image/ref.js';

/** Where one version's payload lives: `<version>/payload/`, inside the version, so removing the version removes it. */
export interface PayloadFiles {
  dir: string;
  /** `web@8.tar.zst` */
  archiveName: string;
  archive: string;
  torrentName: string;
  torrent: string;
}

export const payloadArchiveName = (image: string, version: number): string => `${formatImageRef(image, version)}.tar.zst`;

export const payloadFiles = (versionDir: string, image: string, version: number): PayloadFiles => {
  const dir = join(versionDir, 'payload');
  const archiveName = payloadArchiveName(image, version);
  const torrentName = `${formatImageRef(image, version)}.torrent`;
  return { dir, archiveName, archive: join(dir, archiveName), torrentName, torrent: join(dir, torrentName) };
};

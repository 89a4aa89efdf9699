import type { DistroFootprint } from '../image/manifest.js';

/** The installer families rootcast renders answer files for. */
export type InstallerFamily = 'rhel' | 'debian';

const familyIds: Record<InstallerFamily, readonly string[]> = {
  rhel: ['rhel', 'fedora', 'centos', 'rocky', 'almalinux'],
  debian: ['debian', 'ubuntu'],
};

/** Pure: the installer family of the system an image was captured from (its os-release ID and ID_LIKE), if it is one of ours. */
export const footprintFamily = (footprint: Pick<DistroFootprint, 'id' | 'idLike'>): InstallerFamily | undefined =>
  (Object.keys(familyIds) as InstallerFamily[]).find((family) => [footprint.id, ...footprint.idLike].some((id) => familyIds[family].includes(id)));

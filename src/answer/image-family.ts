import type { DistroFootprint } from '../image/manifest.js';
import type { DistroFamily } from '../protocol/deploy-protocol.js';

const familyIds: Record<DistroFamily, readonly string[]> = {
  rhel: ['rhel', 'fedora', 'centos', 'rocky', 'almalinux'],
  debian: ['debian', 'ubuntu'],
};

/** Pure: the installer family of the system an image was captured from (its os-release ID and ID_LIKE), if it is one of ours. */
export const footprintFamily = (footprint: Pick<DistroFootprint, 'id' | 'idLike'>): DistroFamily | undefined =>
  (Object.keys(familyIds) as DistroFamily[]).find((family) => [footprint.id, ...footprint.idLike].some((id) => familyIds[family].includes(id)));

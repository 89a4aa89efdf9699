import type { VolumeUse } from './host-render-context.js';

/**
 * The first word and --fstype of a kickstart part/raid/logvol line for what the volume holds.
 * `memberName` names RAID members and PVs (`raid.01`, `pv.01`, `pv.md1`).
 */
export const kickstartVolume = (use: VolumeUse, memberId: string): string => {
  switch (use.kind) {
    case 'fs':
      return `${use.mount} --fstype=${use.fsType}`;
    case 'swap':
      return 'swap --fstype=swap';
    case 'biosboot':
      return 'biosboot --fstype=biosboot';
    case 'raid-member':
      return `raid.${memberId}`;
    case 'lvm-pv':
      return `pv.${memberId}`;
  }
};

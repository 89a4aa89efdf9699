import type { LayoutPartitioningContext, VolumeUse } from './host-render-context.js';

/** partman sizes are decimal megabytes (10^6 bytes); round up so a partition is never smaller than asked. */
export const mibToPartmanMb = (mib: number): number => Math.ceil((mib * 1024 * 1024) / 1_000_000);

// partman-auto hands extra space out in proportion to (priority - minimum): fixed entries get 0.
const growBoost = 10_000;
const unlimited = 1_000_000_000;

const sizes = (mib: number, grow: boolean): string => {
  const mb = mibToPartmanMb(mib);
  return grow ? `${mb} ${mb + growBoost} ${unlimited}` : `${mb} ${mb} ${mb}`;
};

const formatUse = (use: VolumeUse): string => {
  switch (use.kind) {
    case 'fs':
      if (use.fsType === 'efi') return 'free method{ efi } format{ }';
      return `${use.fsType} method{ format } format{ } use_filesystem{ } filesystem{ ${use.fsType} } mountpoint{ ${use.mount} }`;
    case 'swap':
      return 'linux-swap method{ swap } format{ }';
    case 'biosboot':
      return 'free method{ biosgrub }';
    case 'lvm-pv':
      return `ext4 $defaultignore{ } method{ lvm } vg_name{ ${use.vg} }`;
    case 'raid-member':
      // Refused by layout validation for debian-installer; kept total so a new kind cannot slip through.
      return `free method{ raid }`;
  }
};

/** The partman-auto/expert_recipe value (one line) for a one-disk layout, with LVM when it has a volume group. */
export const buildPartmanRecipe = (layout: LayoutPartitioningContext): string => {
  const entries: string[] = [];
  if (layout.platformPartitions) {
    entries.push('1 1 1 free $iflabel{ gpt } $reusemethod{ } method{ biosgrub }');
    entries.push('538 538 1075 free $iflabel{ gpt } $reusemethod{ } method{ efi } format{ }');
  }
  for (const partition of layout.partitions) entries.push(`${sizes(partition.sizeMiB, partition.grow)} ${formatUse(partition.use)}`);
  for (const lv of layout.logicalVolumes) {
    const [type, ...rest] = formatUse(lv.use).split(' ');
    entries.push(`${sizes(lv.sizeMiB, lv.grow)} ${type} $lvmok{ } in_vg{ ${lv.vg} } lv_name{ ${lv.name} } ${rest.join(' ')}`);
  }
  return `rootcast :: ${entries.map((entry) => `${entry} .`).join(' ')}`;
};

import type { CommandSpec, OptionSpec } from './syntax-types.js';
import { choice, classes, everywhere, fedoraOnly, flag, fsTypes, rules, sinceRhel10, sinceRhel9, value } from './value-rules.js';

const none = { min: 0, max: 0, describe: 'no arguments' };
const mountPoint = { min: 1, max: 1, describe: 'a mount point', rule: rules.mountPoint };
// RHEL8_Partition/_LogVol/_Raid reject btrfs ("Btrfs file system is not supported"); Fedora formats it.
const btrfsOnFedora = { btrfs: { only: fedoraOnly } };
const onRemovedSince9 = { deprecated: ['rhel8'], removed: sinceRhel9 } as const;

/** LUKS options: FC/F9 `--encrypted --passphrase`, F12 escrow, F18 `--cipher`, F29 LUKS2/PBKDF. */
const encryption: Readonly<Record<string, OptionSpec>> = {
  '--encrypted': flag(),
  '--passphrase': value(),
  '--cipher': value(rules.word),
  '--escrowcert': value(rules.url),
  '--backuppassphrase': flag(),
  // pykickstart takes any word (luks1, luks2, and from F41 luks2-hw-opal, luks2-hw-opal-only).
  '--luks-version': value(rules.word),
  '--pbkdf': choice(['argon2i', 'argon2id', 'pbkdf2']),
  '--pbkdf-memory': value(rules.number),
  '--pbkdf-time': value(rules.number),
  '--pbkdf-iterations': value(rules.number),
};

/** Formatting options shared by part, logvol and raid (FC4 `--fsoptions --label`, F9 `--fsprofile`, F23 `--mkfsoptions`). */
const formatting: Readonly<Record<string, OptionSpec>> = {
  '--fstype': choice(fsTypes, { choicesOnly: btrfsOnFedora }),
  '--fsoptions': value(),
  '--mkfsoptions': value(),
  '--label': value(rules.word),
  '--noformat': flag(),
  '--fsprofile': value(rules.word),
  ...encryption,
};

const rejectBtrfsMount = (line: { args: readonly string[] }, dialect: string): string | undefined =>
  line.args[0]?.startsWith('btrfs.') === true && !fedoraOnly.some((d) => d === dialect)
    ? `btrfs volumes are not supported on ${dialect} (the RHEL handlers reject btrfs.ID members)`
    : undefined;

/** Storage commands: partitioning, file systems, the boot loader and disk selection. */
export const storageCommands: Readonly<Record<string, CommandSpec>> = {
  autopart: {
    classes: classes('RHEL8_AutoPart', 'RHEL9_AutoPart', 'RHEL10_AutoPart', 'F41_AutoPart', 'F41_AutoPart'),
    options: {
      // F17 typeMap, lowercased before lookup; RHEL8_AutoPart raises "autopart --type=btrfs is not supported".
      '--type': choice(['lvm', 'plain', 'partition', 'thinp', 'btrfs'], { ignoreCase: true, choicesOnly: btrfsOnFedora }),
      '--nolvm': flag(),
      '--fstype': choice(fsTypes),
      '--nohome': flag(),
      '--noboot': flag(),
      '--noswap': flag(),
      // F38_AutoPart adds --hibernation; RHEL9_AutoPart is RHEL8_AutoPart, so only RHEL 10 and Fedora have it.
      '--hibernation': flag({ only: sinceRhel10 }),
      // F41_AutoPart: OPAL self-encrypting drives.
      '--hw-passphrase': value(undefined, { only: fedoraOnly }),
      ...encryption,
    },
    args: none,
    refine: (line) => (line.options.has('--hibernation') && line.options.has('--noswap') ? 'only one of --noswap and --hibernation can be given' : undefined),
  },
  bootloader: {
    classes: classes('RHEL8_Bootloader', 'RHEL9_Bootloader', 'F39_Bootloader', 'F39_Bootloader', 'F39_Bootloader'),
    options: {
      '--append': value(),
      '--location': choice(['mbr', 'partition', 'none', 'boot']),
      '--boot-drive': value(rules.word),
      '--driveorder': value(rules.list),
      '--timeout': value(rules.number),
      '--default': value(),
      '--password': value(),
      '--iscrypted': flag(),
      '--md5pass': value(),
      '--leavebootorder': flag(),
      '--extlinux': flag(),
      '--disabled': flag(),
      '--nombr': flag(),
      // F29 adds --upgrade with deprecated=F29; the F34-based handlers dropped it.
      '--upgrade': flag(onRemovedSince9),
      '--sdboot': flag({ only: sinceRhel10 }),
    },
    args: none,
  },
  btrfs: {
    classes: classes('RHEL8_BTRFS', 'RHEL9_BTRFS', 'RHEL10_BTRFS', 'F23_BTRFS', 'F23_BTRFS'),
    // Deprecated since RHEL 8, RemovedCommand on RHEL 10 (pykickstart PR #489).
    deprecated: ['rhel8', 'rhel9'],
    removed: ['rhel10'],
    instead: 'part/logvol with xfs or ext4',
    options: {},
    args: { min: 1, max: Infinity, describe: 'a mount point and member devices' },
    unchecked: true,
    repeatable: true,
  },
  clearpart: {
    classes: everywhere('F28_ClearPart'),
    options: {
      '--all': flag(),
      '--none': flag(),
      '--linux': flag(),
      '--list': value(rules.list),
      '--drives': value(rules.list),
      '--initlabel': flag(),
      '--disklabel': choice(['gpt', 'msdos']),
      '--cdl': flag(),
    },
    args: none,
  },
  ignoredisk: {
    classes: classes('F29_IgnoreDisk', 'F34_IgnoreDisk', 'F34_IgnoreDisk', 'F34_IgnoreDisk', 'F34_IgnoreDisk'),
    options: { '--drives': value(rules.list), '--only-use': value(rules.list), '--interactive': flag(onRemovedSince9) },
    args: none,
    requiresOneOf: ['--drives', '--only-use', '--interactive'],
  },
  logvol: {
    classes: classes('RHEL8_LogVol', 'RHEL9_LogVol', 'RHEL10_LogVol', 'F29_LogVol', 'F29_LogVol'),
    options: {
      '--vgname': value(rules.lvmName), '--name': value(rules.lvmName), '--size': value(rules.mib), '--grow': flag(),
      '--maxsize': value(rules.mib), '--percent': value(rules.percent), '--recommended': flag(), '--hibernation': flag(),
      '--useexisting': flag(), '--resize': flag(),
      '--thinpool': flag(), '--thin': flag(), '--poolname': value(rules.lvmName), '--chunksize': value(rules.number),
      '--metadatasize': value(rules.mib), '--profile': value(rules.word),
      '--cache-size': value(rules.mib), '--cache-mode': choice(['writeback', 'writethrough']), '--cache-pvs': value(rules.list),
      ...formatting,
    },
    args: mountPoint,
    repeatable: true,
    requires: ['--vgname', '--name'],
  },
  mount: {
    classes: everywhere('F27_Mount'),
    options: {},
    args: { min: 2, max: 2, describe: 'a device and a mount point' },
    unchecked: true,
    repeatable: true,
  },
  part: {
    classes: classes('RHEL8_Partition', 'RHEL9_Partition', 'RHEL10_Partition', 'F41_Partition', 'F41_Partition'),
    options: {
      '--size': value(rules.mib), '--grow': flag(), '--maxsize': value(rules.mib), '--ondisk': value(rules.word), '--ondrive': value(rules.word),
      '--onpart': value(rules.word), '--usepart': value(rules.word), '--asprimary': flag(), '--recommended': flag(),
      '--hibernation': flag(), '--resize': flag(), '--onbiosdisk': value(rules.word),
      '--type': choice(fsTypes, { choicesOnly: btrfsOnFedora }),
      // F29_Partition re-adds --active with deprecated=F29; RHEL 9 lists it as removed.
      '--active': flag(onRemovedSince9),
      ...formatting,
    },
    args: mountPoint,
    repeatable: true,
    refine: rejectBtrfsMount,
  },
  raid: {
    classes: classes('RHEL8_Raid', 'RHEL9_Raid', 'RHEL10_Raid', 'F29_Raid', 'F43_Raid'),
    options: {
      '--level': value(rules.raidLevel), '--device': value(rules.mdDevice), '--spares': value(rules.number),
      '--chunksize': value(rules.number), '--useexisting': flag(), ...formatting,
    },
    args: { min: 1, max: Infinity, describe: 'a mount point and member partitions', rule: rules.mountPoint },
    repeatable: true,
    requires: ['--device'],
    refine: (line, dialect) =>
      !line.options.has('--useexisting') && !line.options.has('--level') ? 'raid needs --level (unless --useexisting)' : rejectBtrfsMount(line, dialect),
  },
  reqpart: { classes: everywhere('F23_ReqPart'), options: { '--add-boot': flag() }, args: none },
  snapshot: { classes: everywhere('F26_Snapshot'), options: {}, args: { min: 1, max: Infinity, describe: 'a volume' }, unchecked: true, repeatable: true },
  volgroup: {
    classes: classes('RHEL8_VolGroup', 'RHEL9_VolGroup', 'RHEL10_VolGroup', 'F21_VolGroup', 'F21_VolGroup'),
    options: { '--pesize': value(rules.number), '--reserved-space': value(rules.mib), '--reserved-percent': value(rules.percent), '--useexisting': flag(), '--noformat': flag() },
    args: { min: 1, max: Infinity, describe: 'a volume group name and its physical volumes' },
    repeatable: true,
  },
  zerombr: { classes: everywhere('F9_ZeroMbr'), options: {}, args: none },
};

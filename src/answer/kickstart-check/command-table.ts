import type { CommandSpec } from './syntax-types.js';
import { choice, fedoraOnly, flag, fsTypes, rhelOnly, rules, sinceRhel9, untilRhel9, value, yesNo } from './value-rules.js';

const none = { min: 0, max: 0, describe: 'no arguments' };
const unchecked = (only?: CommandSpec['only']): CommandSpec => ({
  options: {},
  args: { min: 0, max: Infinity, describe: 'arguments' },
  unchecked: true,
  repeatable: true,
  ...(only === undefined ? {} : { only }),
});

const encryption = {
  '--encrypted': flag(),
  '--passphrase': value(),
  '--cipher': value(rules.word),
  '--luks-version': choice(['luks1', 'luks2']),
  '--pbkdf': choice(['argon2i', 'argon2id', 'pbkdf2']),
  '--pbkdf-memory': value(rules.number),
  '--pbkdf-time': value(rules.number),
  '--pbkdf-iterations': value(rules.number),
  '--escrowcert': value(rules.url),
  '--backuppassphrase': flag(),
};

const storageCommon = {
  '--fstype': choice(fsTypes),
  '--fsoptions': value(),
  '--mkfsoptions': value(),
  '--label': value(rules.word),
  '--noformat': flag(),
  '--useexisting': flag(),
  '--fsprofile': value(rules.word),
  ...encryption,
};

const sourceOptions = { '--proxy': value(rules.url), '--noverifyssl': flag(), '--sslcacert': value(rules.path), '--sslclientcert': value(rules.path), '--sslclientkey': value(rules.path) };

/**
 * Anaconda's kickstart commands as documented (pykickstart docs and the RHEL 8/9/10 and Fedora 42/43
 * installation guides), written for rootcast: every command and option rootcast emits is covered in
 * full; rarely used hardware commands are recognised without checking their options.
 */
export const commandTable: Readonly<Record<string, CommandSpec>> = {
  authselect: { options: {}, args: { min: 1, max: Infinity, describe: 'authselect arguments' }, unchecked: true },
  auth: { ...unchecked(untilRhel9), repeatable: false },
  authconfig: { ...unchecked(untilRhel9), repeatable: false },
  autopart: {
    options: {
      '--type': choice(['lvm', 'plain', 'thinp', 'btrfs'], { choicesOnly: { btrfs: fedoraOnly } }),
      '--fstype': choice(fsTypes),
      '--nohome': flag(),
      '--noboot': flag(),
      '--noswap': flag(),
      '--hibernation': flag(sinceRhel9),
      ...encryption,
    },
    args: none,
  },
  autostep: { options: { '--autoscreenshot': flag() }, args: none, only: untilRhel9 },
  bootloader: {
    options: {
      '--append': value(),
      '--location': choice(['mbr', 'partition', 'none', 'boot']),
      '--boot-drive': value(rules.word),
      '--driveorder': value(rules.list),
      '--timeout': value(rules.number),
      '--password': value(),
      '--iscrypted': flag(),
      '--leavebootorder': flag(),
      '--nombr': flag(),
      '--disabled': flag(),
      '--extlinux': flag(untilRhel9),
      '--md5pass': value(),
    },
    args: none,
  },
  btrfs: { ...unchecked(fedoraOnly) },
  cdrom: { options: {}, args: none },
  clearpart: {
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
  cmdline: { options: { '--non-interactive': flag() }, args: none },
  eula: { options: { '--agreed': flag() }, args: none, requires: ['--agreed'] },
  firewall: {
    options: {
      '--enabled': flag(), '--enable': flag(), '--disabled': flag(), '--disable': flag(),
      '--service': value(rules.list), '--port': value(rules.list), '--trust': value(rules.word),
      '--remove-service': value(rules.list), '--use-system-defaults': flag(),
      '--ssh': flag(), '--smtp': flag(), '--http': flag(), '--ftp': flag(),
    },
    args: none,
  },
  firstboot: { options: { '--enable': flag(), '--enabled': flag(), '--disable': flag(), '--disabled': flag(), '--reconfig': flag() }, args: none },
  graphical: { options: { '--non-interactive': flag() }, args: none },
  group: { options: { '--name': value(rules.word), '--gid': value(rules.number) }, args: none, repeatable: true, requires: ['--name'] },
  halt: { options: { '--eject': flag(), '--kexec': flag() }, args: none },
  harddrive: { options: { '--partition': value(rules.word), '--dir': value(rules.path), '--biospart': value(rules.word) }, args: none, requires: ['--dir'] },
  ignoredisk: { options: { '--drives': value(rules.list), '--only-use': value(rules.list) }, args: none, requiresOneOf: ['--drives', '--only-use'] },
  keyboard: { options: { '--vckeymap': value(rules.word), '--xlayouts': value(rules.list), '--switch': value(rules.list) }, args: { min: 0, max: 1, describe: 'a keyboard layout' } },
  lang: { options: { '--addsupport': value(rules.list) }, args: { min: 1, max: 1, describe: 'a locale', rule: rules.locale } },
  liveimg: { options: { '--url': value(rules.url), '--checksum': value(rules.word), ...sourceOptions }, args: none, requires: ['--url'] },
  logging: { options: { '--host': value(rules.hostname), '--port': value(rules.number), '--level': choice(['debug', 'info', 'warning', 'error', 'critical'], { only: untilRhel9 }) }, args: none },
  logvol: {
    options: {
      '--vgname': value(rules.lvmName), '--name': value(rules.lvmName), '--size': value(rules.mib), '--grow': flag(),
      '--maxsize': value(rules.mib), '--percent': value(rules.percent), '--recommended': flag(), '--hibernation': flag(sinceRhel9),
      '--thinpool': flag(), '--thin': flag(), '--poolname': value(rules.lvmName), '--chunksize': value(rules.number),
      '--metadatasize': value(rules.mib), '--profile': value(rules.word), '--resize': flag(),
      '--cache-size': value(rules.mib), '--cache-mode': choice(['writeback', 'writethrough']), '--cache-pvs': value(rules.list),
      ...storageCommon,
    },
    args: { min: 1, max: 1, describe: 'a mount point', rule: rules.mountPoint },
    repeatable: true,
    requires: ['--vgname', '--name'],
  },
  mediacheck: { options: {}, args: none },
  network: {
    options: {
      '--bootproto': choice(['dhcp', 'bootp', 'ibft', 'static']),
      '--device': value(rules.word), '--ip': value(rules.ipv4), '--ipv6': value(rules.word), '--gateway': value(rules.ipv4),
      '--ipv6gateway': value(rules.ip), '--nameserver': value(rules.ipList), '--netmask': value(rules.netmask),
      '--hostname': value(rules.hostname), '--onboot': choice(yesNo), '--activate': flag(), '--no-activate': flag(),
      '--nodns': flag(), '--nodefroute': flag(), '--noipv4': flag(), '--noipv6': flag(), '--mtu': value(rules.number),
      '--ethtool': value(), '--essid': value(), '--wepkey': value(), '--wpakey': value(), '--dhcpclass': value(rules.word),
      '--vlanid': value(rules.number), '--interfacename': value(rules.word),
      '--bondslaves': value(rules.list), '--bondopts': value(), '--bridgeslaves': value(rules.list), '--bridgeopts': value(),
      '--teamslaves': value(undefined, untilRhel9), '--teamconfig': value(undefined, untilRhel9), '--bindto': choice(['mac']),
    },
    args: none,
    repeatable: true,
    refine: (line) =>
      line.options.get('--bootproto') === 'static' && !line.options.has('--ip') && !line.options.has('--ipv6')
        ? '--bootproto=static needs --ip (or --ipv6)'
        : undefined,
  },
  nfs: { options: { '--server': value(rules.hostname), '--dir': value(rules.path), '--opts': value() }, args: none, requires: ['--server', '--dir'] },
  part: {
    options: {
      '--size': value(rules.mib), '--grow': flag(), '--maxsize': value(rules.mib), '--ondisk': value(rules.word), '--ondrive': value(rules.word),
      '--onpart': value(rules.word), '--usepart': value(rules.word), '--asprimary': flag(), '--recommended': flag(),
      '--hibernation': flag(sinceRhel9), '--resize': flag(), '--onbiosdisk': value(rules.word),
      ...storageCommon,
    },
    args: { min: 1, max: 1, describe: 'a mount point', rule: rules.mountPoint },
    repeatable: true,
  },
  poweroff: { options: { '--eject': flag(), '--kexec': flag() }, args: none },
  raid: {
    options: { '--level': value(rules.raidLevel), '--device': value(rules.mdDevice), '--spares': value(rules.number), '--chunksize': value(rules.number), ...storageCommon },
    args: { min: 1, max: Infinity, describe: 'a mount point and member partitions', rule: rules.mountPoint },
    repeatable: true,
    requires: ['--device'],
    refine: (line) => (!line.options.has('--useexisting') && !line.options.has('--level') ? 'raid needs --level (unless --useexisting)' : undefined),
  },
  reboot: { options: { '--eject': flag(), '--kexec': flag() }, args: none },
  repo: {
    options: {
      '--name': value(rules.word), '--baseurl': value(rules.url), '--mirrorlist': value(rules.url), '--metalink': value(rules.url),
      '--cost': value(rules.number), '--excludepkgs': value(rules.list), '--includepkgs': value(rules.list), '--install': flag(), ...sourceOptions,
    },
    args: none,
    repeatable: true,
    requires: ['--name'],
    requiresOneOf: ['--baseurl', '--mirrorlist', '--metalink'],
  },
  reqpart: { options: { '--add-boot': flag() }, args: none },
  rootpw: {
    options: { '--iscrypted': flag(), '--plaintext': flag(), '--lock': flag(), '--allow-ssh': flag(sinceRhel9) },
    args: { min: 0, max: 1, describe: 'a password' },
    refine: (line) => (line.args.length === 0 && !line.options.has('--lock') ? 'rootpw needs a password (or --lock)' : undefined),
  },
  selinux: { options: { '--enforcing': flag(), '--permissive': flag(), '--disabled': flag() }, args: none },
  services: { options: { '--enabled': value(rules.list), '--disabled': value(rules.list) }, args: none, requiresOneOf: ['--enabled', '--disabled'] },
  shutdown: { options: { '--eject': flag(), '--kexec': flag() }, args: none },
  skipx: { options: {}, args: none },
  sshkey: { options: { '--username': value(rules.word) }, args: { min: 1, max: 1, describe: 'a public key', rule: rules.sshKey }, repeatable: true, requires: ['--username'] },
  text: { options: { '--non-interactive': flag() }, args: none },
  timesource: { options: { '--ntp-server': value(rules.hostname), '--ntp-pool': value(rules.hostname), '--ntp-disable': flag(), '--nts': flag() }, args: none, repeatable: true, only: sinceRhel9 },
  timezone: {
    options: { '--utc': flag(), '--isUtc': flag(), '--nontp': flag(untilRhel9), '--ntpservers': value(rules.list, untilRhel9) },
    args: { min: 0, max: 1, describe: 'a time zone', rule: rules.timezone },
  },
  url: { options: { '--url': value(rules.url), '--mirrorlist': value(rules.url), '--metalink': value(rules.url), ...sourceOptions }, args: none, requiresOneOf: ['--url', '--mirrorlist', '--metalink'] },
  user: {
    options: { '--name': value(rules.word), '--gecos': value(), '--groups': value(rules.list), '--homedir': value(rules.path), '--iscrypted': flag(), '--plaintext': flag(), '--lock': flag(), '--password': value(), '--shell': value(rules.path), '--uid': value(rules.number), '--gid': value(rules.number) },
    args: none,
    repeatable: true,
    requires: ['--name'],
  },
  volgroup: {
    options: { '--pesize': value(rules.number), '--reserved-space': value(rules.mib), '--reserved-percent': value(rules.percent), '--useexisting': flag(), '--noformat': flag() },
    args: { min: 1, max: Infinity, describe: 'a volume group name and its physical volumes' },
    repeatable: true,
  },
  zerombr: { options: {}, args: none },
  // Recognised without option checks: hardware, network storage and product-specific commands.
  device: unchecked(), deviceprobe: unchecked(), dmraid: unchecked(), driverdisk: unchecked(), fcoe: unchecked(), hmc: unchecked(),
  iscsi: unchecked(), iscsiname: unchecked(), module: unchecked(), mount: unchecked(), multipath: unchecked(), nvdimm: unchecked(),
  ostreesetup: unchecked(), ostreecontainer: unchecked(sinceRhel9), bootc: unchecked(['fedora43']), realm: unchecked(), rescue: unchecked(),
  rhsm: unchecked(rhelOnly), snapshot: unchecked(), sshpw: unchecked(), syspurpose: unchecked(rhelOnly), updates: unchecked(), vnc: unchecked(),
  xconfig: unchecked(), zfcp: unchecked(), zipl: unchecked(), '%include': { options: {}, args: { min: 1, max: 1, describe: 'a file' }, repeatable: true },
  '%ksappend': { options: {}, args: { min: 1, max: 1, describe: 'a file' }, repeatable: true },
};

/** Aliases Anaconda accepts for a command. */
export const commandAliases: Readonly<Record<string, string>> = { partition: 'part' };

/** Commands that were removed, with what to do instead. */
export const removedCommands: Readonly<Record<string, string>> = {
  install: 'was removed (installation is the default); delete the line',
  upgrade: 'was removed (use a fresh install)',
  method: 'was removed; use url, cdrom, nfs, harddrive or liveimg',
  key: 'was removed',
  interactive: 'was removed',
  monitor: 'was removed',
  lilo: 'was removed; use bootloader',
};

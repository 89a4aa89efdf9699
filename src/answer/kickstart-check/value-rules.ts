import type { KickstartDialect } from './dialect.js';
import type { OptionSpec, ValueRule } from './syntax-types.js';

/** Building blocks for the syntax table, so each command reads as one line per option. */
export const flag = (only?: readonly KickstartDialect[]): OptionSpec => (only === undefined ? { value: 'none' } : { value: 'none', only });
export const value = (rule?: ValueRule, only?: readonly KickstartDialect[]): OptionSpec => ({
  value: 'required',
  ...(rule === undefined ? {} : { rule }),
  ...(only === undefined ? {} : { only }),
});
export const choice = (choices: readonly string[], extra: Partial<OptionSpec> = {}): OptionSpec => ({ value: 'required', choices, ...extra });

export const rules = {
  mib: { pattern: /^\d+$/, expected: 'a whole number of MiB' },
  number: { pattern: /^\d+$/, expected: 'a whole number' },
  percent: { pattern: /^(100|[1-9]?\d)$/, expected: 'a percentage 0-100' },
  url: { pattern: /^(https?|ftp|nfs|file|hmc):\/\/\S+$|^nfs:\S+$/, expected: 'a URL (http://, https://, ftp://, nfs:, file://)' },
  ipv4: { pattern: /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/, expected: 'an IPv4 address' },
  ip: { pattern: /^((\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)$/, expected: 'an IP address' },
  ipList: { pattern: /^((\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)(,((\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*))*$/, expected: 'comma-separated IP addresses' },
  netmask: { pattern: /^(\d{1,3}\.){3}\d{1,3}$/, expected: 'a dotted netmask like 255.255.255.0' },
  hostname: { pattern: /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/, expected: 'a host name' },
  word: { pattern: /^\S+$/, expected: 'a value without spaces' },
  list: { pattern: /^[^\s,]+(,[^\s,]+)*$/, expected: 'a comma-separated list without spaces' },
  path: { pattern: /^\/\S*$/, expected: 'an absolute path' },
  mountPoint: { pattern: /^(\/\S*|swap|biosboot|prepboot|appleboot|raid\.\S+|pv\.\S+|btrfs\.\S+|None|none)$/, expected: 'a mount point, swap, biosboot, raid.ID or pv.ID' },
  raidLevel: { pattern: /^(RAID|raid)?(0|1|4|5|6|10)$/, expected: 'a RAID level (RAID0, RAID1, RAID4, RAID5, RAID6, RAID10)' },
  mdDevice: { pattern: /^[A-Za-z0-9_-]+$/, expected: 'an md device name like md0' },
  lvmName: { pattern: /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/, expected: 'an LVM name' },
  timezone: { pattern: /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/, expected: 'a time zone name like Europe/Berlin' },
  locale: { pattern: /^[a-z]{2,3}(_[A-Z]{2})?(\.[A-Za-z0-9-]+)?(@[a-z]+)?$/, expected: 'a locale like en_US.UTF-8' },
  sshKey: { pattern: /^(ssh-|ecdsa-|sk-)\S+ [A-Za-z0-9+/=]+( .*)?$/, expected: 'a one-line OpenSSH public key in double quotes' },
} as const satisfies Record<string, ValueRule>;

export const fsTypes = ['ext2', 'ext3', 'ext4', 'xfs', 'vfat', 'efi', 'biosboot', 'swap', 'prepboot', 'btrfs', 'hfs+', 'appleboot', 'lvmpv', 'mdmember'] as const;
export const yesNo = ['yes', 'no', 'on', 'off', 'true', 'false', '1', '0'] as const;

export const rhelOnly: readonly KickstartDialect[] = ['rhel8', 'rhel9', 'rhel10'];
export const fedoraOnly: readonly KickstartDialect[] = ['fedora42', 'fedora43'];
export const sinceRhel9: readonly KickstartDialect[] = ['rhel9', 'rhel10', 'fedora42', 'fedora43'];
// Removed in Fedora 39/40 and RHEL 10 (team devices, NTP options of timezone, logging --level, autostep).
export const untilRhel9: readonly KickstartDialect[] = ['rhel8', 'rhel9'];

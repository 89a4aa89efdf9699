import type { KickstartDialect } from './dialect.js';
import type { Availability, HandlerClasses, OptionSpec, ValueRule } from './syntax-types.js';

/** Building blocks for the syntax table, so each command reads as one line per option. */
export const flag = (availability: Availability = {}): OptionSpec => ({ value: 'none', ...availability });
export const value = (rule?: ValueRule, availability: Availability = {}): OptionSpec => ({
  value: 'required',
  ...(rule === undefined ? {} : { rule }),
  ...availability,
});
export const choice = (choices: readonly string[], extra: Partial<OptionSpec> = {}): OptionSpec => ({ value: 'required', choices, ...extra });

/**
 * The pykickstart command class each handler maps, in dialect order (rhel8, rhel9, rhel10, fedora42,
 * fedora43); `null` where that handler does not map the command at all.
 */
export const classes = (
  rhel8: string | null,
  rhel9: string | null,
  rhel10: string | null,
  fedora42: string | null,
  fedora43: string | null,
): HandlerClasses => {
  const byDialect: Partial<Record<KickstartDialect, string>> = {};
  const given: [KickstartDialect, string | null][] = [['rhel8', rhel8], ['rhel9', rhel9], ['rhel10', rhel10], ['fedora42', fedora42], ['fedora43', fedora43]];
  for (const [dialect, name] of given) if (name !== null) byDialect[dialect] = name;
  return byDialect;
};
/** One class for every release. */
export const everywhere = (name: string): HandlerClasses => classes(name, name, name, name, name);

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

/** File systems Anaconda formats; pykickstart itself takes any word, rootcast checks for typos. */
export const fsTypes = ['ext2', 'ext3', 'ext4', 'xfs', 'vfat', 'efi', 'biosboot', 'swap', 'prepboot', 'btrfs', 'hfs+', 'appleboot', 'lvmpv', 'mdmember', 'tmpfs'] as const;
/** pykickstart's `ksboolean`. */
export const yesNo = ['yes', 'no', 'on', 'off', 'true', 'false', '1', '0'] as const;

export const fedoraOnly: readonly KickstartDialect[] = ['fedora42', 'fedora43'];
export const sinceRhel9: readonly KickstartDialect[] = ['rhel9', 'rhel10', 'fedora42', 'fedora43'];
export const sinceRhel10: readonly KickstartDialect[] = ['rhel10', 'fedora42', 'fedora43'];
/** Releases on F34-or-later classes that are not RHEL 10 (RHEL 10 removed what these only deprecate). */
export const rhel9AndFedora: readonly KickstartDialect[] = ['rhel9', 'fedora42', 'fedora43'];

import type { FileOp, NicConfig } from './identity-input.js';
import { formatIni, type IniSection } from './ini-file.js';
import { networkdDir } from './link-files.js';
import { canonicalMac, nicLabel, writtenBy } from './nic-naming.js';

export const networkFilePath = (label: string): string => `${networkdDir}/10-rootcast-${label}.network`;

/** By MAC, else by name, else every card with a kernel (eth*) or predictable (en*) Ethernet name. */
const matchSection = (nic: NicConfig): IniSection => ({
  name: 'Match',
  entries: nic.mac !== undefined ? [['MACAddress', canonicalMac(nic.mac)]] : [['Name', nic.name ?? 'en* eth*']],
});

const networkSection = (nic: NicConfig): IniSection => {
  const ipv4 = nic.ipv4;
  const addressing: [string, string][] =
    ipv4.method === 'static' ? [['Address', `${ipv4.address}/${ipv4.prefix}`], ['Gateway', ipv4.gateway ?? '']] : [['DHCP', 'ipv4']];
  const domains: [string, string][] = nic.searchDomains.length === 0 ? [] : [['Domains', nic.searchDomains.join(' ')]];
  return { name: 'Network', entries: [...addressing, ...nic.dns.map((server): [string, string] => ['DNS', server]), ...domains] };
};

/**
 * One `.network` file per card. networkd applies the first file (in name order over /etc, /run and
 * /usr/lib) that matches a card, so `10-rootcast-` is ahead of the usual admin and vendor names.
 */
export const renderNetworkFiles = (hostname: string, nics: readonly NicConfig[]): FileOp[] =>
  nics.map((nic) => ({
    op: 'write',
    path: networkFilePath(nicLabel(nic)),
    content: formatIni([writtenBy(hostname)], [matchSection(nic), { name: 'Link', entries: nic.mtu === undefined ? [] : [['MTUBytes', String(nic.mtu)]] }, networkSection(nic)]),
    mode: 0o644,
    why: `systemd-networkd configuration for ${nicLabel(nic)}`,
  }));

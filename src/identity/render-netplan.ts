import { stringify } from 'yaml';
import type { FileOp, NicConfig } from './identity-input.js';
import { netplanDir, type NetplanRenderer } from './netplan-yaml.js';
import { canonicalMac, macHex, writtenBy } from './nic-naming.js';

export const netplanFilePath = `${netplanDir}/90-rootcast.yaml`;

/** netplan ids with their match: by MAC (renamed with set-name when a name is given), by name, or two globs for any card. */
const definitions = (nic: NicConfig): [string, Record<string, unknown>][] => {
  if (nic.mac !== undefined) {
    return [[`rootcast-${macHex(nic.mac)}`, { match: { macaddress: canonicalMac(nic.mac) }, ...(nic.name === undefined ? {} : { 'set-name': nic.name }) }]];
  }
  if (nic.name !== undefined) return [[nic.name, {}]];
  return [['rootcast-en', { match: { name: 'en*' } }], ['rootcast-eth', { match: { name: 'eth*' } }]];
};

const settings = (nic: NicConfig): Record<string, unknown> => {
  const ipv4 = nic.ipv4;
  const nameservers = {
    ...(nic.dns.length === 0 ? {} : { addresses: nic.dns }),
    ...(nic.searchDomains.length === 0 ? {} : { search: nic.searchDomains }),
  };
  return {
    ...(nic.mtu === undefined ? {} : { mtu: nic.mtu }),
    ...(ipv4.method === 'static'
      ? { addresses: [`${ipv4.address}/${ipv4.prefix}`], routes: [{ to: 'default', via: ipv4.gateway }] }
      : { dhcp4: true }),
    ...(Object.keys(nameservers).length === 0 ? {} : { nameservers }),
  };
};

/**
 * One netplan file for every card (mode 0600: netplan warns about readable files). It names the
 * renderer the image already uses, so it holds even when the file that named it is removed.
 * `90-` sorts after the usual installer files, so where keys overlap ours win. Strings are quoted:
 * netplan reads YAML 1.1, where an unquoted MAC is a base-60 number.
 */
export const renderNetplanFile = (hostname: string, renderer: NetplanRenderer, nics: readonly NicConfig[]): FileOp => {
  const ethernets = Object.fromEntries(nics.flatMap((nic) => definitions(nic).map(([id, match]) => [id, { ...match, ...settings(nic) }])));
  const document = { network: { version: 2, renderer, ethernets } };
  return {
    op: 'write',
    path: netplanFilePath,
    content: `# ${writtenBy(hostname)}\n${stringify(document, { lineWidth: 0, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' })}`,
    mode: 0o600,
    why: `netplan configuration (renderer ${renderer})`,
  };
};

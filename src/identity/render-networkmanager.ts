import { createHash } from 'node:crypto';
import type { FileOp, NicConfig } from './identity-input.js';
import { formatIni, type IniSection } from './ini-file.js';
import { canonicalMac, nicLabel, writtenBy } from './nic-naming.js';

export const keyfileDir = 'etc/NetworkManager/system-connections';

/** A name-based (version 5 style) UUID, so planning the same host twice writes the same profile. */
const stableUuid = (seed: string): string => {
  const hex = createHash('sha1').update(seed).digest('hex').slice(0, 32).split('');
  hex[12] = '5';
  hex[16] = ((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  const text = hex.join('');
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
};

const list = (values: readonly string[]): string | undefined => (values.length === 0 ? undefined : `${values.join(';')};`);

const entries = (pairs: [string, string | number | undefined][]): [string, string][] =>
  pairs.flatMap(([key, value]): [string, string][] => (value === undefined ? [] : [[key, String(value)]]));

/** The `[ipv4]` section; `address1=ADDRESS/PREFIX,GATEWAY` is the form NetworkManager 1.42 itself writes. */
const ipv4Section = (nic: NicConfig): IniSection => {
  const ipv4 = nic.ipv4;
  const manual = ipv4.method === 'static'
    ? [['method', 'manual'], ['address1', `${ipv4.address}/${ipv4.prefix},${ipv4.gateway}`]] satisfies [string, string][]
    : [['method', 'auto']] satisfies [string, string][];
  return { name: 'ipv4', entries: [...manual, ...entries([['dns', list(nic.dns)], ['dns-search', list(nic.searchDomains)]])] };
};

/**
 * One keyfile profile per card (mode 0600: NetworkManager ignores keyfiles others can read). It
 * matches the card by MAC, else by interface name, else any Ethernet card; IPv6 stays on router
 * advertisements (NetworkManager's default).
 */
export const renderKeyfiles = (hostname: string, nics: readonly NicConfig[]): FileOp[] =>
  nics.map((nic) => {
    const label = nicLabel(nic);
    const id = `rootcast-${label}`;
    const sections: IniSection[] = [
      {
        name: 'connection',
        entries: entries([['id', id], ['uuid', stableUuid(`rootcast/${hostname}/${label}`)], ['type', 'ethernet'], ['interface-name', nic.mac === undefined ? nic.name : undefined]]),
      },
      { name: 'ethernet', entries: entries([['mac-address', nic.mac === undefined ? undefined : canonicalMac(nic.mac)], ['mtu', nic.mtu]]) },
      ipv4Section(nic),
      { name: 'ipv6', entries: [['method', 'auto']] },
    ];
    return { op: 'write', path: `${keyfileDir}/${id}.nmconnection`, content: formatIni([writtenBy(hostname)], sections), mode: 0o600, why: `NetworkManager profile for ${label}` };
  });

import type { NetworkStack } from './footprint.js';
import type { FileOp, NicConfig } from './identity-input.js';
import { writtenBy } from './nic-naming.js';
import { entryAt, type RootSnapshot } from './root-snapshot.js';

export const resolvConfPath = 'etc/resolv.conf';

// glibc reads at most three nameserver lines.
const maxNameservers = 3;

/**
 * A static host's resolv.conf, only where nothing else writes it: NetworkManager manages it itself,
 * and a symlink means systemd-resolved or resolvconf owns it (they take the DNS from the config
 * written for the stack). Otherwise ifupdown's dns-* lines and networkd's DNS= would go nowhere.
 */
export const planResolvConf = (hostname: string, target: NetworkStack, nics: readonly NicConfig[], snapshot: RootSnapshot): FileOp[] => {
  const managedByNetworkManager = target.stack === 'networkmanager' || (target.stack === 'netplan' && target.renderer === 'NetworkManager');
  const nic = nics.find((candidate) => candidate.ipv4.method === 'static' && candidate.dns.length > 0);
  if (managedByNetworkManager || nic === undefined || entryAt(snapshot, resolvConfPath)?.kind === 'symlink') return [];
  const lines = [
    `# ${writtenBy(hostname)}`,
    ...(nic.searchDomains.length === 0 ? [] : [`search ${nic.searchDomains.join(' ')}`]),
    ...nic.dns.slice(0, maxNameservers).map((server) => `nameserver ${server}`),
  ];
  return [{ op: 'write', path: resolvConfPath, content: `${lines.join('\n')}\n`, mode: 0o644, why: 'DNS for a static host: no resolver manager owns this file' }];
};

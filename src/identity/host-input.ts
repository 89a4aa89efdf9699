import { effectiveNetworkMode } from '../inventory/identity-settings.js';
import type { ResolvedHost } from '../inventory/resolve.js';
import type { DistroHint, IdentityInput, NicConfig } from './identity-input.js';

/**
 * The identity input of a resolved inventory host. One card is configured: the host's first MAC
 * (the one its answer file pins), else `identity.interface`, else any Ethernet card (DHCP only).
 * Static takes address, prefix, gateway and DNS from the host's ip and network; search domains
 * default to the network's domain. DHCP writes DNS from neither (the DHCP server gives it) and
 * search domains only when `identity.searchDomains` says so.
 */
export const identityInputOf = (host: ResolvedHost, distro?: DistroHint): IdentityInput => {
  const { mode } = effectiveNetworkMode(host);
  const base: Omit<IdentityInput, 'network'> = {
    hostname: host.name,
    ...(host.fqdn === undefined ? {} : { fqdn: host.fqdn }),
    ...(distro === undefined ? {} : { distro }),
  };
  if (mode === 'keep') return { ...base, network: { mode: 'keep' } };
  const network = host.network;
  const nic: NicConfig = {
    ...(host.macs[0] === undefined ? {} : { mac: host.macs[0] }),
    ...(host.identity.interface === undefined ? {} : { name: host.identity.interface }),
    ...(host.identity.mtu === undefined ? {} : { mtu: host.identity.mtu }),
    ipv4:
      mode === 'dhcp'
        ? { method: 'dhcp' }
        : {
            method: 'static',
            ...(host.ip === undefined ? {} : { address: host.ip }),
            ...(network === undefined ? {} : { prefix: network.prefix }),
            ...(network?.gateway === undefined ? {} : { gateway: network.gateway }),
          },
    dns: mode === 'static' ? [...(network?.dns ?? [])] : [],
    searchDomains: host.identity.searchDomains ?? (mode === 'static' && network?.domain !== undefined ? [network.domain] : []),
  };
  return { ...base, network: { mode: 'manage', nics: [nic] } };
};

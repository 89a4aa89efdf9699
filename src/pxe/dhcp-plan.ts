import { parseIpv4, parseSubnet, subnetContains } from '../inventory/ipv4.js';
import type { ResolvedHost } from '../inventory/resolve.js';
import type { PxeArchitecture } from '../inventory/types.js';
import type { DhcpArchitectureContext, DhcpConfigContext, DhcpReservationContext } from '../render/pxe-render-context.js';
import { architectureCodes, bootFileFor } from './boot-files.js';
import type { PxeSettings } from './pxe-settings.js';

/** The site-specific option (RFC 3942 range 224–254) that carries serve's URL to DHCP clients. */
export const serverUrlOption = { code: 224, name: 'rootcast-server' } as const;

export interface DhcpPlanOptions {
  proxy: boolean;
  /** @default the inventory's pxe.interface, else every interface */
  interface?: string;
  /** dnsmasq lease file (serve --pxe). @default none */
  leaseFile?: string;
  /** dnsmasq serves TFTP from this tree (pxe.tftp: dnsmasq). @default serve's own TFTP */
  tftpRoot?: string;
}

const hex4 = (code: number): string => code.toString(16).padStart(4, '0');

const architectureContext = (settings: PxeSettings, architecture: PxeArchitecture): DhcpArchitectureContext => {
  const { codes, csa } = architectureCodes[architecture];
  const file = bootFileFor(settings.loader, architecture);
  return {
    name: architecture,
    tag: architecture.replace('-', '_'),
    codes,
    csa,
    file,
    proxyFile: architecture === 'bios' ? file.replace(/\.(0|kpxe)$/, '') : file,
    iscTest: codes.map((code) => `option client-arch = ${hex4(code).replace(/(..)(..)/, '$1:$2')}`).join(' or '),
    keaTest: codes.map((code) => `option[93].hex == 0x${hex4(code)}`).join(' or '),
  };
};

/** One reservation per MAC; the host's address goes with its first MAC (one address cannot be leased twice). */
const reservationsOf = (hosts: readonly ResolvedHost[], subnet: string): DhcpReservationContext[] => {
  const parsed = parseSubnet(subnet);
  const inside = (ip: string | undefined): string => {
    const address = ip === undefined ? undefined : parseIpv4(ip);
    return address?.ok === true && parsed.ok && subnetContains(parsed.subnet, address.value) ? (ip as string) : '';
  };
  return hosts.flatMap((host) =>
    host.macs.map((mac, index) => ({ key: index === 0 ? host.name : `${host.name}-${index + 1}`, name: host.name, mac, ip: index === 0 ? inside(host.ip) : '' })),
  );
};

/** What every DHCP config (dnsmasq, ISC, Kea) is rendered from (pure): one inventory, three formats. */
export const planDhcpConfig = (settings: PxeSettings, hosts: readonly ResolvedHost[], options: DhcpPlanOptions): DhcpConfigContext => {
  const network = settings.networkDef;
  const [address = ''] = network.subnet.split('/');
  return {
    proxy: options.proxy,
    interface: options.interface ?? settings.interface ?? '',
    leaseFile: options.leaseFile ?? '',
    network: {
      name: network.name,
      subnet: network.subnet,
      address,
      netmask: network.netmask,
      prefix: network.prefix,
      gateway: network.gateway ?? '',
      dnsList: network.dns.join(','),
      domain: network.domain ?? '',
    },
    pool: settings.pool ?? false,
    leaseSeconds: settings.leaseSeconds,
    serverAddress: settings.serverAddress,
    serverUrl: settings.serverUrl,
    serverOption: serverUrlOption,
    // Hosts of other networks get no reservation here: their address would be outside this subnet.
    reservations: reservationsOf(hosts.filter((host) => host.network === undefined || host.network.name === network.name), network.subnet),
    architectures: settings.architectures.map((architecture) => architectureContext(settings, architecture)),
    ipxeScript: settings.loader === 'ipxe' ? `${settings.serverUrl}/pxe/boot.ipxe` : '',
    tftp: options.tftpRoot === undefined ? false : { root: options.tftpRoot },
  };
};

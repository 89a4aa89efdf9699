import type { NetworkInterfaceInfo } from 'node:os';
import { RootcastError } from '../errors/rootcast-error.js';

/** Where rootcast's TFTP server listens, and a warning when DHCP names another address as the TFTP server. */
export interface TftpAddresses {
  addresses: string[];
  warning?: string;
}

/**
 * The addresses rootcast's TFTP server binds (pure): every IPv4 address of the PXE interface, or,
 * without one, the address DHCP configs name as next-server. Node's dgram cannot bind to a device, and
 * a PXE client sends its TFTP requests unicast to that address, so binding the addresses is enough.
 */
export const planTftpAddresses = (interfaceName: string | undefined, interfaces: Readonly<Record<string, readonly NetworkInterfaceInfo[]>>, serverAddress: string): TftpAddresses => {
  if (interfaceName === undefined) return { addresses: [serverAddress] };
  const infos = interfaces[interfaceName];
  if (infos === undefined) {
    throw new RootcastError('UNAVAILABLE', `unknown interface ${interfaceName}: this machine has ${Object.keys(interfaces).join(', ') || 'no interfaces'}`, {
      hint: 'set pxe.interface (or --pxe-interface) to an interface of this machine',
    });
  }
  const addresses = infos.filter((info) => info.family === 'IPv4').map((info) => info.address);
  if (addresses.length === 0) {
    throw new RootcastError('UNAVAILABLE', `${interfaceName} has no IPv4 address: PXE clients fetch their boot files by TFTP over IPv4`, {
      hint: `give ${interfaceName} the address server.url names (${serverAddress}), then send serve SIGHUP`,
    });
  }
  return addresses.includes(serverAddress)
    ? { addresses }
    : { addresses, warning: `DHCP names ${serverAddress} (server.url or pxe.serverAddress) as the TFTP server, but ${interfaceName} has ${addresses.join(', ')}: give ${interfaceName} that address or fix the setting` };
};

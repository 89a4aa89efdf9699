import { readFile } from 'node:fs/promises';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

/** What guessing this machine's address needs: the kernel's IPv4 route table and each interface's addresses. */
export interface RouteFacts {
  /** /proc/net/route as text; empty when it cannot be read. */
  routeTable: string;
  interfaces: Record<string, NetworkInterfaceInfo[]>;
}

/** Each interface's addresses, by interface name (no process is spawned). */
export const readInterfaces = (): Record<string, NetworkInterfaceInfo[]> =>
  Object.fromEntries(Object.entries(networkInterfaces()).map(([name, infos]) => [name, infos ?? []]));

/** Reads the route table and interface addresses (no process is spawned). */
export const readRouteFacts = async (routeFile = '/proc/net/route'): Promise<RouteFacts> => ({
  routeTable: await readFile(routeFile, 'utf8').catch(() => ''),
  interfaces: readInterfaces(),
});

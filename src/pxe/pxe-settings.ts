import { RootcastError } from '../errors/rootcast-error.js';
import { parseIpv4 } from '../inventory/ipv4.js';
import type { Inventory, NetworkDef, PxeDef } from '../inventory/types.js';

/** The inventory's PXE settings with everything they depend on resolved (pure). */
export interface PxeSettings extends PxeDef {
  network: string;
  networkDef: NetworkDef;
  /** serve's base URL without a trailing slash (`http://10.0.0.1:8780`). */
  serverUrl: string;
  /** TFTP and next-server address. */
  serverAddress: string;
}

const notSet = (message: string, hint: string): RootcastError => new RootcastError('INVALID_DATA', message, { hint });

/** The PXE settings of a validated inventory; throws (65) naming what is missing. */
export const pxeSettingsOf = (inventory: Inventory): PxeSettings => {
  const pxe = inventory.pxe;
  if (pxe === undefined) {
    throw notSet('the inventory has no "pxe:" block', 'add one (see docs/pxe.md): pxe: {network: lab, installers: {debian12: {kernel: ..., initrd: ...}}}');
  }
  const networkDef = pxe.network === undefined ? undefined : inventory.networks[pxe.network];
  if (networkDef === undefined || pxe.network === undefined) {
    throw notSet('pxe: no network to serve', 'set pxe.network to a network under "networks:" ("rootcast inventory check" shows why)');
  }
  const url = inventory.server?.url;
  if (url === undefined) throw notSet('PXE installs need server.url (where installers fetch answer files)', 'add  server: {url: "http://SERVER-ADDRESS:8780"}');
  const serverUrl = url.replace(/\/+$/, '');
  const urlHost = new URL(serverUrl).hostname;
  const serverAddress = pxe.serverAddress ?? (parseIpv4(urlHost).ok ? urlHost : undefined);
  if (serverAddress === undefined) {
    throw notSet(`server.url names "${urlHost}", but DHCP must name the TFTP server by address`, 'set pxe.serverAddress to the server\'s IPv4 address on the PXE network');
  }
  return { ...pxe, network: pxe.network, networkDef, serverUrl, serverAddress };
};

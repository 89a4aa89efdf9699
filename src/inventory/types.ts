import type { IdentitySettings, InstallSettings, ServerSettings } from './schema.js';

/** The inventory after validation: names checked, MACs normalised, ranges expanded, IPs allocated. */
export interface Inventory {
  networks: Record<string, NetworkDef>;
  images: Record<string, ImageDef>;
  groups: Record<string, GroupDef>;
  /** One entry per host, in file order; a range key contributes one entry per name it expands to. */
  hosts: HostDef[];
  /** Install defaults for every host (the `all` layer). */
  install?: InstallSettings;
  server?: ServerSettings;
  /** The optional PXE boot path; absent when the inventory has no `pxe:` block. */
  pxe?: PxeDef;
}

export type PxeArchitecture = 'bios' | 'x64-uefi' | 'arm64-uefi';

export interface PxeInstallerDef {
  /** An absolute path on the server or an http(s) URL. */
  kernel: string;
  initrd: string;
  /** Extra kernel arguments (`console=ttyS0,115200n8`). */
  args?: string;
}

/** The `pxe:` block after validation, defaults filled in. */
export interface PxeDef {
  /** The network DHCP serves (a name under networks:); undefined when none could be chosen. */
  network?: string;
  interface?: string;
  mode: 'dhcp' | 'proxy';
  /** First and last address of the dynamic pool, inside the network. */
  pool?: { start: string; end: string };
  leaseSeconds: number;
  loader: 'native' | 'ipxe';
  tftp: 'rootcast' | 'dnsmasq';
  architectures: PxeArchitecture[];
  serverAddress?: string;
  /** By distro profile name (`debian12`, `rocky9`). */
  installers: Record<string, PxeInstallerDef>;
  line?: number;
}

export interface NetworkDef {
  name: string;
  /** Normalised `10.0.0.0/24`. */
  subnet: string;
  prefix: number;
  netmask: string;
  gateway?: string;
  dns: string[];
  domain?: string;
  description?: string;
  line?: number;
}

export interface ImageDef {
  name: string;
  description?: string;
  /** Vars of every host deploying this image, below its groups' and its own. */
  vars: Record<string, unknown>;
  install?: InstallSettings;
  identity?: IdentitySettings;
  line?: number;
}

export interface GroupDef {
  name: string;
  /** An image reference: `web`, `web@3` or `web@stable`. */
  image?: string;
  network?: string;
  vars: Record<string, unknown>;
  install?: InstallSettings;
  identity?: IdentitySettings;
  description?: string;
  line?: number;
}

/** Where a host came from in the file: its key (a name or a range pattern) and that key's line. */
export interface HostSource {
  key: string;
  line?: number;
  /** True when the key is a range pattern such as `web[01-03]`. */
  fromRange: boolean;
}

export interface HostDef {
  name: string;
  macs: string[];
  ip?: string;
  image?: string;
  network?: string;
  groups: string[];
  vars: Record<string, unknown>;
  install?: InstallSettings;
  identity?: IdentitySettings;
  description?: string;
  source: HostSource;
}

export const emptyInventory = (): Inventory => ({ networks: {}, images: {}, groups: {}, hosts: [] });

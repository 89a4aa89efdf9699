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

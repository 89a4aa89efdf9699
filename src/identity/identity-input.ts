/** How one network card is configured. */
export interface NicConfig {
  /** Permanent MAC; the config matches the card by it when known. */
  mac?: string;
  /**
   * The card's name: matched when there is no MAC; with a MAC the card is renamed to it (a systemd
   * `.link` file, or netplan's `set-name`).
   */
  name?: string;
  mtu?: number;
  ipv4: { method: 'dhcp' } | { method: 'static'; address?: string; prefix?: number; gateway?: string };
  /** DNS servers written into the config (static addressing). */
  dns: string[];
  searchDomains: string[];
}

/** `keep` leaves the image's network configuration as it is; `manage` writes these cards' configs. */
export type NetworkIntent = { mode: 'keep' } | { mode: 'manage'; nics: NicConfig[] };

/** Distro family facts for conventions (from the image manifest's os-release footprint). */
export interface DistroHint {
  id: string;
  idLike: readonly string[];
}

/** Everything identity planning needs to know about one host. */
export interface IdentityInput {
  /** Short host name (a DNS label). */
  hostname: string;
  /** `name.domain` when the host's network has a domain. */
  fqdn?: string;
  network: NetworkIntent;
  distro?: DistroHint;
}

/** One change to the target root; paths are root-relative (`etc/hostname`). */
export type FileOp =
  | { op: 'write'; path: string; content: string; mode: number; why: string }
  | { op: 'symlink'; path: string; target: string; why: string }
  | { op: 'remove'; path: string; why: string };

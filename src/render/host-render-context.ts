/**
 * The one context every answer-file template sees, for one host. Templates run in handlebars strict
 * mode, so every field is always present (absent values are `null` or empty arrays, never missing).
 * Mirrored field by field in docs/answer-files.md.
 */
export interface HostRenderContext {
  host: {
    /** Short host name (`web07`). */
    name: string;
    /** `name.domain`, or `name` when the host has no domain. */
    fqdn: string;
    /** DNS domain, or `null`. */
    domain: string | null;
    /** Normalised MAC addresses (`52:54:00:12:34:56`), in inventory order; may be empty. */
    macs: readonly string[];
  };
  network: DhcpNetworkContext | StaticNetworkContext;
  image: {
    /** Image name (`web`). */
    name: string;
    /** The version the host deploys (`web@3`). */
    ref: string;
  };
  server: {
    /** Base URL of `rootcast serve`, without a trailing slash (`http://10.0.0.1:8780`). */
    httpUrl: string;
    /** `<httpUrl>/boot/bootstrap.sh`, fetched by %post / late_command. */
    bootstrapUrl: string;
  };
  install: InstallContext;
  /** Free-form inventory vars (image, then groups, then host; later wins), for `{{vars.NAME}}`. */
  vars: Readonly<Record<string, unknown>>;
}

export interface DhcpNetworkContext {
  kind: 'dhcp';
  /** Interface to configure: the host's first MAC, or `link` (first interface with a carrier). */
  device: string;
}

export interface StaticNetworkContext {
  kind: 'static';
  /** Interface to configure: the host's first MAC, or `link` (first interface with a carrier). */
  device: string;
  /** IPv4 address (`10.0.0.11`). */
  ip: string;
  /** Prefix length (`24`). */
  prefix: number;
  /** Dotted netmask derived from the prefix (`255.255.255.0`). */
  netmask: string;
  /** Default gateway. */
  gateway: string;
  /** Name servers in order; may be empty. */
  dns: readonly string[];
}

export interface InstallContext {
  /** Per-host install token the bootstrap stub presents to the server. */
  token: string;
  distro: DistroContext;
  /** Where the installer gets its packages. */
  source: InstallSourceContext;
  /** Extra repositories (kickstart `repo --name --baseurl`); always empty for debian-installer. */
  repos: readonly { name: string; baseurl: string }[];
  /** EPEL as a kickstart `repo --name=epel` (`--metalink` for Fedora's mirror network, `--baseurl` for a mirror), or `null`. */
  epel: { option: 'metalink' | 'baseurl'; url: string } | null;
  partitioning: PartitioningContext;
  /** Olson time zone (`Europe/Berlin`). */
  timezone: string;
  /** Console keymap / X layout (`us`). */
  keyboard: string;
  /** Locale (`en_US.UTF-8`). */
  lang: string;
  /** Root password of the freshly installed system: locked unless a crypt(3) hash is given. */
  rootPassword: { policy: 'locked' } | { policy: 'crypted'; hash: string };
  /** OpenSSH public keys for root in the freshly installed system. */
  sshAuthorizedKeys: readonly string[];
}

/** The facts of the distro profile (kickstart/<id>.yaml) the templates use. */
export interface DistroContext {
  /** Profile id (`rhel9`). */
  id: string;
  /** Human name (`Rocky Linux 9`). */
  name: string;
  family: 'rhel' | 'debian';
  /** Where the installer mounts the target system: `/mnt/sysroot`, `/mnt/sysimage` (RHEL 8), `/target` (d-i). */
  sysroot: string;
  /** Packages the minimal install gets (always including rsync and curl; aria2 and zstd for torrent installs). */
  packages: readonly string[];
  /** d-i suite (`bookworm`); `null` for Anaconda. */
  suite: string | null;
  /** Which Anaconda release's kickstart syntax applies (`rhel8`, `fedora43`); `null` for d-i. */
  kickstartDialect: string | null;
}

export type InstallSourceContext =
  /** Boot media or `inst.repo=` on the kernel command line (no source line in the kickstart). */
  | { kind: 'media' }
  | { kind: 'url'; url: string }
  | { kind: 'mirrorlist'; url: string }
  /** A Debian mirror split the way d-i asks for it. */
  | { kind: 'debian-mirror'; url: string; protocol: 'http' | 'https' | 'ftp'; hostname: string; directory: string };

export type PartitioningContext = AutoPartitioningContext | LayoutPartitioningContext;

export interface AutoPartitioningContext {
  kind: 'auto';
  /** Kickstart `autopart --type`, d-i `partman-auto/method` (`lvm` or `regular`). */
  scheme: 'lvm' | 'plain';
  /** Disks to use (`sda`); empty means every disk the installer finds. */
  disks: readonly string[];
}

export interface LayoutPartitioningContext {
  kind: 'layout';
  disks: readonly string[];
  /** Emit the platform's boot partitions (kickstart `reqpart`, partman EFI/BIOS entries). */
  platformPartitions: boolean;
  partitions: readonly PartitionContext[];
  raids: readonly RaidContext[];
  volumeGroups: readonly VolumeGroupContext[];
  logicalVolumes: readonly LogicalVolumeContext[];
}

/** What a partition, array or LV holds. */
export type VolumeUse =
  | { kind: 'fs'; fsType: string; mount: string }
  | { kind: 'swap' }
  | { kind: 'biosboot' }
  | { kind: 'raid-member'; raid: string }
  | { kind: 'lvm-pv'; vg: string };

export interface PartitionContext {
  /** Two-digit sequence (`01`) naming RAID members / PVs in kickstart (`raid.01`, `pv.01`). */
  id: string;
  disk: string;
  sizeMiB: number;
  grow: boolean;
  use: VolumeUse;
}

export interface RaidContext {
  /** `md0` */
  name: string;
  /** `0`, `1`, `5`, `6` or `10`. */
  level: number;
  /** Member partition ids, in order. */
  members: readonly string[];
  use: VolumeUse;
}

export interface VolumeGroupContext {
  name: string;
  /** Kickstart member names (`pv.03`, `raid.md1`... see docs). */
  members: readonly string[];
}

export interface LogicalVolumeContext {
  vg: string;
  name: string;
  sizeMiB: number;
  grow: boolean;
  use: VolumeUse;
}

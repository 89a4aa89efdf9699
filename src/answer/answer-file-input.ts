import type { DistroFootprint } from '../image/manifest.js';
import type { TransportMode } from '../protocol/transport-modes.js';

/**
 * What the inventory and the server settings give the answer-file renderer for one host, as plain
 * data. The lead's inventory adapter builds these; `buildRenderContext()` validates and normalises
 * them into a `HostRenderContext`. Every field is documented in docs/answer-files.md.
 */
export interface AnswerFileInput {
  host: {
    /** Short host name, a DNS label (`web07`). */
    name: string;
    /** DNS domain (`example.com`); the FQDN is `name.domain`. */
    domain?: string;
    /** Normalised MAC addresses (`52:54:00:12:34:56`); the first one names the install interface. */
    macs?: readonly string[];
  };
  /** Omitted or `{mode: 'dhcp'}` for DHCP. */
  network?: NetworkInput;
  image: {
    /** Image name (`web`). */
    name: string;
    /** Resolved reference the host deploys (`web@3`). */
    ref: string;
    /** The system the version was captured from (its manifest), when known: an installer of another family does not fit it. */
    capturedFrom?: DistroFootprint;
  };
  server: {
    /** Base URL of `rootcast serve` as the installing host reaches it (`http://10.0.0.1:8780`). */
    httpUrl: string;
  };
  install: InstallInput;
  /** Free-form values merged from the image, groups and host (later wins), readable as `{{vars.NAME}}`. */
  vars?: Readonly<Record<string, unknown>>;
}

export type NetworkInput =
  | { mode: 'dhcp' }
  | {
      mode: 'static';
      /** IPv4 address of the host. */
      ip?: string;
      /** Prefix length (`24`). */
      prefix?: number;
      gateway?: string;
      /** Name servers, in order. @default [] */
      dns?: readonly string[];
    };

export interface InstallInput {
  /** Per-host secret the bootstrap stub presents to the server (16-128 of A-Z a-z 0-9 _ -). */
  token: string;
  /**
   * Distro profile id (`rhel9`, `rocky9`, `fedora43`, `debian12`...): a file in kickstart/.
   * `--distro` overrides it; omitted, the command's default applies (rhel9 / debian12).
   */
  distro?: string;
  /** Omitted: the installer's automatic layout. */
  partitioning?: PartitioningInput;
  /** Overrides of the profile's install source and extra repos. */
  repos?: ReposInput;
  /** @default "Etc/UTC" */
  timezone?: string;
  /** Console keymap and X layout (`us`, `de`...). @default "us" */
  keyboard?: string;
  /** @default "en_US.UTF-8" */
  lang?: string;
  /** Omitted: root is locked (login only with SSH keys). */
  rootPasswordHash?: string;
  /** OpenSSH public keys installed for root in the freshly installed system. @default [] */
  sshAuthorizedKeys?: readonly string[];
  /** `torrent` and `auto` add the profile's torrentPackages (aria2, zstd) to the minimal system. @default "rsync" */
  transport?: TransportMode;
}

export interface ReposInput {
  /** Installation source: kickstart `url --url`, or the d-i mirror (`http://deb.debian.org/debian`). */
  url?: string;
  /** Extra repositories (kickstart `repo`); not supported for debian-installer. */
  extra?: readonly { name: string; baseurl: string }[];
  /** Enterprise Linux: add EPEL (aria2 for torrent installs); true for Fedora's EPEL mirror network, or a mirror's baseurl. */
  epel?: boolean | string;
}

export type PartitioningInput = { mode: 'auto'; scheme?: 'lvm' | 'plain'; disks?: readonly string[] } | LayoutInput;

/** A size: a whole number of MiB, or a string such as `512MiB`, `20GiB`, `1TiB`. */
export type SizeInput = number | string;

/** A declarative disk layout. */
export interface LayoutInput {
  mode: 'layout';
  /** Disks the installer may touch (`sda`, `vda`, `nvme0n1`); everything on them is erased. */
  disks: readonly string[];
  /** Add the partitions the platform needs to boot (BIOS boot / EFI system partition). @default true */
  platformPartitions?: boolean;
  partitions: readonly PartitionInput[];
  raids?: readonly RaidInput[];
  volumeGroups?: readonly { name: string }[];
  logicalVolumes?: readonly LogicalVolumeInput[];
}

/** A partition holds exactly one of: a file system (`fs` + `mount`, or `fs: swap`), a RAID member (`raid`), an LVM PV (`vg`). */
export interface PartitionInput {
  /** Defaults to the only disk when there is one. */
  disk?: string;
  size: SizeInput;
  /** Take the disk's remaining space (at most one per disk). @default false */
  grow?: boolean;
  fs?: string;
  mount?: string;
  raid?: string;
  vg?: string;
}

export interface RaidInput {
  /** md device name (`md0`). */
  name: string;
  /** 0, 1, 5, 6 or 10. */
  level: number;
  fs?: string;
  mount?: string;
  /** Use the array as an LVM physical volume of this volume group instead of a file system. */
  vg?: string;
}

export interface LogicalVolumeInput {
  vg: string;
  name: string;
  size: SizeInput;
  /** @default false */
  grow?: boolean;
  fs: string;
  mount?: string;
}

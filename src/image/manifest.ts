import type { MountEntry } from '../sys/mount-table.js';

/** Where a version's content came from. */
export type ManifestSource =
  | { kind: 'ssh'; user: string; host: string; port: number }
  | { kind: 'dir'; path: string }
  | { kind: 'shell'; from: string; command: string }
  | { kind: 'copy'; from: string };

export interface DistroFootprint {
  id: string;
  versionId?: string;
  name?: string;
  prettyName?: string;
  idLike: string[];
}

/** A block device as lsblk reported it on the golden client. */
export interface DiskEntry {
  name: string;
  type: string;
  sizeBytes: number;
  fsType?: string;
  mountPoint?: string;
  uuid?: string;
}

export interface SecretFinding {
  /** Path inside the image, starting with "/". */
  path: string;
  kind: 'private-key' | 'keytab' | 'password-hash' | 'credentials';
  detail: string;
}

/**
 * Something a capture could not make exact, with how many paths and the first few of them (image paths,
 * escaped as image diff shows them). `vanished`: listed on the golden client but gone before rsync read
 * them, so not in the image. `unstable`: still changing after the capture's last re-pull of them, so their
 * stored content may be a mix of two writes.
 */
export interface CaptureWarning {
  kind: 'vanished' | 'unstable';
  count: number;
  first: string[];
}

/** manifest.json of one immutable version. */
export interface ImageManifest {
  formatVersion: 1;
  image: string;
  version: number;
  /** The version whose unchanged files this one hard-links to. */
  parentVersion?: number;
  createdAt: string;
  source: ManifestSource;
  rootcastVersion: string;
  /** Apparent size (st_size) of every distinct non-directory inode of the stored tree: hard links once, sparse files by length. */
  sizeBytes: number;
  /** Every object below the stored root (files, directories, links, devices...; a hard-linked file once per name). */
  fileCount: number;
  distro?: DistroFootprint;
  /** Kernel versions found in /boot (vmlinuz-VERSION). */
  kernels: string[];
  mounts: MountEntry[];
  disks: DiskEntry[];
  /** rsync exclude patterns in force for this capture. */
  excludes: string[];
  /** rsync include patterns of this capture (`--include`): what they re-include below an exclude is in the image. */
  includes?: string[];
  /** Likely secrets left in the image, so an admin can decide before deploying it to a fleet. */
  secrets: SecretFinding[];
  /** What the capture could not make exact (absent when it had nothing to say, and in manifests before it existed). */
  warnings?: CaptureWarning[];
  note?: string;
  /** The version as one tar.zst and its torrent (`rootcast image publish`); absent until published. */
  payload?: PayloadRecord;
}

/** A published payload of one version: `<version>/payload/<file>` and its `.torrent` beside it (docs/fanout.md). */
export interface PayloadRecord {
  /** `web@8.tar.zst`; the torrent is the same name with `.torrent`. */
  file: string;
  bytes: number;
  /** SHA-256 of the file, hex: the runner refuses a payload that does not match it. */
  sha256: string;
  /** SHA-1 of the torrent's info dictionary, hex. */
  infoHash: string;
  pieceLength: number;
  /** zstd level of the archive. */
  zstdLevel: number;
  builtAt: string;
  rootcastVersion: string;
}

/**
 * The wire contract between `rootcast serve` and the runner on an installing host.
 * Both sides import these types; a change here is a protocol change.
 *
 *   GET  /boot/bootstrap.sh                      the POSIX-sh stub the answer file's %post/late_command runs
 *   GET  /runner/runner.cjs, /runner/node        the runner bundle and the server's own node binary
 *   GET  /api/v1/hosts/:host/deploy              → DeployInstructions   (Authorization: Bearer <install token>)
 *   POST /api/v1/hosts/:host/credential          → HostEnrolment        (Authorization: Bearer <install token>)
 *   POST /api/v1/hosts/:host/events              ← HostEvent (JSON, host-event.ts) (Bearer <install token> or <host credential>)
 * The image itself moves over the supervised rsync daemon: rsync://install.<host>@<server>:<port>/<module>/
 * with RSYNC_PASSWORD=<install token>. The install token stops working once the runner reports `done`.
 * The host's override tree is its own module (`ovl.<host>`), readable by that host's users only.
 */

import type { TransportMode } from './transport-modes.js';

export const apiPrefix = '/api/v1';

/** `/api/v1/hosts/<host>/<rest>`: a host's routes (payload files, announce) as serve makes and the runner's proxy checks them. */
export const hostApiPath = (host: string, rest: string): string => `${apiPrefix}/hosts/${host}/${rest}`;

/** Distribution families the installer path supports; per-family facts live in kickstart/. */
export type DistroFamily = 'rhel' | 'debian';

export interface DeployInstructions {
  host: string;
  image: string;
  version: number;
  /** e.g. "web@3" */
  ref: string;
  rsync: {
    /** rsync:// URL of the read-only module holding exactly this version's root, ending in "/". */
    url: string;
    /** The rsync daemon user (`install.<host>`); its password is the install token. */
    user: string;
  };
  /** Target paths the image sync must leave alone (fstab, crypttab, the ESP...), rsync-anchored ("/etc/fstab"). */
  keepPaths: string[];
  family: DistroFamily;
  /** The host's override layers, merged and rendered on the server for this deploy; absent when serve has none to offer. */
  overrides?: DeployOverrides;
  /** What the runner runs in the deployed target to make it boot from this disk (the host's kickstart/ profile); absent: no bootloader phase. */
  postDeploy?: PostDeploy;
  /** Mount points of stored file systems the image's own /etc/fstab names, for the "missing mount point" warning. */
  imageMountPoints?: string[];
  /** How the image moves (docs/fanout.md); absent from servers before it, which means rsync. */
  transport?: DeployTransport;
}

/** What the inventory asked for and what serve offers: with a payload the runner may fetch it by BitTorrent. */
export interface DeployTransport {
  setting: TransportMode;
  /** Why serve did or did not offer the payload (the runner's events repeat it). */
  reason: string;
  payload?: DeployPayload;
}

/**
 * The version as one tar.zst in a swarm: `GET torrentPath` (Bearer install token) gives a .torrent whose
 * tracker and web seed are serve's (`/api/v1/hosts/<host>/announce`, `…/payload/<file>`, HTTP Range); both
 * take the same Bearer token. The runner checks `sha256` before it unpacks, then finishes with the rsync pass.
 */
export interface DeployPayload {
  /** Path on serve's HTTP server (`/api/v1/hosts/web07/payload/web@8.torrent`). */
  torrentPath: string;
  /** `web@8.tar.zst` */
  file: string;
  bytes: number;
  sha256: string;
  infoHash: string;
  /** Apparent size of the unpacked image (manifest sizeBytes): what the target's disk must hold. */
  imageBytes: number;
  /** How long the runner keeps seeding after its download completed, at most. */
  seedSeconds: number;
  /** The tracker's origin (`http://10.0.0.1:8780`, or serve --tracker's): the runner sends its token there too. */
  trackerOrigin: string;
}

/** In a `bootloader.bios` command: the boot disk it installs onto. */
export const diskPlaceholder = '{disk}';

/**
 * Commands run chrooted into the deployed target (kickstart/*.yaml `postDeploy`), each one line: words
 * without shell syntax run as argv, anything else as `sh -c LINE` (src/runner/plan-boot.ts).
 */
export interface PostDeploy {
  /** Rebuild the initramfs of every kernel the image has. */
  initramfs: string[];
  bootloader: {
    /** Per boot disk on BIOS machines, `{disk}` replaced by the disk (/dev/sda). */
    bios: string[];
    /** On UEFI machines (the ESP is mounted at /boot/efi). */
    efi: string[];
    /** After either: write the boot loader's configuration (and boot entries). */
    config: string[];
  };
  /** After the rest: SELinux relabel at the next boot. */
  relabel: string[];
}

/**
 * How the two rsync passes of a deploy make "image + override layers" (docs/overrides.md):
 *   image pass:     rsync -aHAXS --numeric-ids --delete [--exclude=<keepPath>...] --filter=<imageFilters...> <rsync.url> /target/
 *   overrides pass: rsync -aHAX --numeric-ids --delete --checksum --filter=<overridesFilters...> <overrides.url> /target/
 * each filter rule one argument, in order. The overrides pass compares by checksum because a rendered
 * file keeps its template's mtime, so a changed var can leave size and mtime as they were.
 */
export interface DeployOverrides {
  /** rsync:// URL of the host's own module (`ovl.<host>`), same user and password as `rsync`, ending in "/". */
  url: string;
  /** Rules for the image pass: `- /p` for what the overrides own, `H /p` for whiteouts (deleted as extraneous). */
  imageFilters: string[];
  /** Rules for the overrides pass: kept paths protected, deletion only below owned paths (`R /p/**`), then `P *`. */
  overridesFilters: string[];
  /** sha256 of each layer the host has, in precedence order (`all`, `image/web`, `group/web`, `host/web07`). */
  layers: { layer: string; digest: string }[];
  /** sha256 of the served tree (rendered templates, final metadata); for the deployed-state record. */
  treeDigest: string;
}

/**
 * What the runner receives at the end of a successful install, in exchange for its install token:
 * the host's long-term credential for later updates and events (written to the target, mode 600).
 */
export interface HostEnrolment {
  host: string;
  credential: string;
  /** The rsync daemon user the credential logs in as (`host.<host>`). */
  rsyncUser: string;
}

/**
 * The first-boot report (boot/): serve offers both files under /boot/, the runner installs the script
 * and enables the unit on the target, which reports `booted` once and disables itself.
 */
export const firstBootFiles = { script: 'rootcast-firstboot.sh', unit: 'rootcast-firstboot.service' } as const;
export type FirstBootFile = keyof typeof firstBootFiles;
/** Where the runner installs them on the target (the unit's ExecStart names the script's path). */
export const firstBootTargetPaths: Record<FirstBootFile, string> = {
  script: '/usr/local/lib/rootcast/firstboot.sh',
  unit: '/etc/systemd/system/rootcast-firstboot.service',
};

/** Where the runner leaves the enrolment on the target; capture excludes both (they are per host). */
export const hostCredentialPath = '/etc/rootcast/host.key';
export const clientConfigPath = '/etc/rootcast/client.json';

/** Phases of a deploy, in the order the runner executes them; `done` ends a successful one and spends the install token. */
export const runnerPhases = ['preflight', 'ram-copy', 'mount', 'sync-image', 'overrides', 'identity', 'bootloader', 'enroll', 'cleanup', 'done'] as const;
export type RunnerPhase = (typeof runnerPhases)[number];

/** How a phase went; `failed` carries the reason (host-event.ts has the whole event schema). */
export const runnerEventStatuses = ['started', 'progress', 'succeeded', 'failed', 'skipped'] as const;
export type RunnerEventStatus = (typeof runnerEventStatuses)[number];

/** rsync daemon module name for one image version (never parsed back, only generated). */
export const imageModuleName = (image: string, version: number): string => `img.${image}.${version}`;

/** rsync daemon module name for one host's override tree. */
export const overridesModuleName = (host: string): string => `ovl.${host}`;

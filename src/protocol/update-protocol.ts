import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { DeployInstructions } from './deploy-protocol.js';

/**
 * The wire contract of `rootcast update` (on a deployed host, also what `push` and `drift` run there):
 *
 *   GET /api/v1/hosts/:host/update[?ref=web@8][&via=update|push][&dry=1]  → UpdateInstructions
 *       (Authorization: Bearer <host credential>; never an install token)
 *
 * `ref` defaults to the host's assigned version in the inventory. Unless `dry=1`, serve records the
 * attempt ("deploying", via update or push) so prune and rm keep the version; the runner's `done`
 * event (with its `result`) makes it the deployed version. The rsync URLs name `host.<host>`, whose
 * password is the host credential.
 */
export const updateViaValues = ['update', 'push'] as const;
export type UpdateVia = (typeof updateViaValues)[number];

/** Which layer each overridden path of the host comes from, for the dry run's "owner" column. */
export interface PathOwner {
  /** Target path, "/etc/motd". */
  path: string;
  /** "all", "group/web", "host/web07", "identity/web07". */
  layer: string;
  /** `removes`: a whiteout or opaque directory: what the image has below `path` is the layer's doing. */
  kind: 'provides' | 'removes';
}

export interface UpdateInstructions extends DeployInstructions {
  /** The reference the inventory assigns the host (`web@stable`), whatever `ref` was asked for. */
  assigned: string;
  /** Overridden paths and their layers (empty without overrides); everything else belongs to the image. */
  owners: PathOwner[];
  /** The version's capture excludes (its manifest): what the image lacks on purpose, which an update leaves alone on the host. Absent from servers before it. */
  captureExcludes?: string[];
  /** The version's capture includes: what they re-include below a capture exclude is the image's, so it is updated. */
  captureIncludes?: string[];
  /**
   * Paths below the data trees the host's recorded version has and this one lacks (or has as another kind): the
   * update's protection of host data there lets these go, as a package upgrade would remove them. Absent when unknown.
   */
  imageRemovals?: string[];
}

/** The name of the update request's path segment. */
export const updateRequestSegment = 'update';

/** What `rootcast update` leaves in /etc/rootcast while an update is being applied: an interrupted one is finished from it. */
export const updateMarkerPath = '/etc/rootcast/update-in-progress';
/**
 * The update lock, in this machine's /run (a tmpfs a boot empties: a lock left by a power cut cannot outlive it,
 * where a reused PID would look alive). A root other than / (an offline disk) gets its own lock here too:
 * its own /run is a plain directory that survives, and nothing is written under it before serve has answered.
 * push's look after a timeout reads the same file.
 */
export const updateLockFile = (root: string): string =>
  root === '/' ? '/run/rootcast/update.lock' : `/run/rootcast/update-${createHash('sha256').update(resolve(root)).digest('hex').slice(0, 16)}.lock`;
/** Extra rsync exclude patterns an admin keeps from updates, one a line. */
export const updateExcludeFilePath = '/etc/rootcast/update.exclude';
/** Where push leaves the runner bundle and node on a host (kept by every update). */
export const hostRunnerDir = '/usr/local/lib/rootcast';

/** Stateful services whose data under /var/lib an update never touches (their packages' files still follow the image). */
export const statefulVarLib: readonly string[] = [
  'mysql', 'postgresql', 'pgsql', 'mongodb', 'redis', 'docker', 'containerd', 'containers', 'libvirt', 'lxc', 'lxd', 'rabbitmq', 'elasticsearch',
  'etcd', 'kubelet', 'grafana', 'prometheus', 'influxdb', 'ldap', 'samba', 'nfs', 'dhcp', 'NetworkManager', 'systemd', 'logrotate', 'chrony', 'rootcast',
];

/**
 * Trees where a host keeps its own data beside the image's files (an application in /opt, a site in /var/www,
 * a service's state in /var/lib): the image's files there land and change as anywhere, but what the image lacks
 * is kept (rsync "protect"), never deleted. The dry run does not list those as deletions.
 */
export const dataTrees: readonly string[] = ['/srv', '/opt', '/var/opt', '/var/www', '/var/lib', '/var/backups', '/usr/local'];

/** Under /var/lib, the package managers' state follows the image exactly: it describes the image's files. */
export const imageOwnedVarLib: readonly string[] = ['dpkg', 'rpm', 'apt', 'dnf', 'yum', 'alternatives', 'ucf', 'initramfs-tools', 'dracut'];

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { RootcastError } from '../errors/rootcast-error.js';
import { clientConfigPath, hostCredentialPath } from '../protocol/deploy-protocol.js';
import { deployedStatePath, deployedStateSchema, type DeployedState } from '../protocol/deployed-state.js';
import { updateExcludeFilePath, updateMarkerPath, updateViaValues } from '../protocol/update-protocol.js';
import { parseFstab, swapFiles } from '../sys/fstab.js';
import { activeSwapFiles } from '../sys/proc-swaps.js';
import { isBelow, type MountEntry } from '../sys/mount-table.js';
import { parseUpdateExcludeFile } from './update-excludes.js';
import { readLinkedDataDirs } from './linked-data-dirs.js';

/** /etc/rootcast/client.json as the runner's enroll step writes it. */
const clientSchema = z.object({ server: z.string().url(), host: z.string().min(1), rsyncUser: z.string().min(1) }).strict();
export type HostClient = z.infer<typeof clientSchema>;

/** /etc/rootcast/update-in-progress: the version an update was applying when it stopped. */
export const updateMarkerSchema = z.object({ ref: z.string().min(1), from: z.string().optional(), via: z.enum(updateViaValues), since: z.string() }).strict();
export type UpdateMarker = z.infer<typeof updateMarkerSchema>;

/** Everything `rootcast update` reads on the host before it asks the server anything. */
export interface HostUpdateFacts {
  root: string;
  client: HostClient;
  credential: string;
  deployed: DeployedState | undefined;
  marker: UpdateMarker | undefined;
  /** Patterns from /etc/rootcast/update.exclude. */
  adminExcludes: string[];
  /** Mount points below the root (as the root sees them) other than the system's own: never synced into. */
  foreignMounts: string[];
  /** Data directories that are symlinks on the host (src/update/linked-data-dirs.ts): left as they are. */
  linkedDataDirs: string[];
  /** Swap files the host's /etc/fstab names: the image never has them, so --delete would remove an active swap file. */
  swapFiles: string[];
  /** `uname -r` when the root is this running system: its modules stay until the reboot into the new kernel. */
  runningKernel?: string;
}

/** A path of the host as this process sees it (`--target-root DIR` or "/"). */
export const hostPath = (root: string, path: string): string => (root === '/' ? path : join(root, path));

const readOptional = (path: string): Promise<string | undefined> =>
  readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)));

const parseJsonFile = <T>(path: string, text: string, schema: z.ZodType<T>): T => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RootcastError('INVALID_DATA', `${path} is not JSON: ${(error as Error).message}`, { hint: 'restore it from another host of the same install or reinstall the host' });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new RootcastError('INVALID_DATA', `${path} is malformed`, { details: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`) });
  }
  return parsed.data;
};

/** File systems of the operating system itself: the image brings their contents, so the passes go into them. */
export const systemMountPoints: readonly string[] = ['/boot', '/usr', '/var'];

/**
 * Pure: the mounts strictly below `root` the passes must not go into, as paths of the host: every one but
 * the system's own (/boot, /usr, /var) — network and pseudo file systems, and local ones too (/data, /srv,
 * a bind mount, an ESP at /efi): --delete would empty whatever the image lacks there.
 */
export const foreignMountsBelow = (mounts: readonly MountEntry[], root: string): string[] =>
  mounts
    .filter((mount) => isBelow(mount.mountPoint, root))
    .map((mount) => (root === '/' ? mount.mountPoint : mount.mountPoint.slice(root.length)))
    .filter((path) => !systemMountPoints.includes(path));

/** Reads the host's enrolment, credential, deployed state, an interrupted update's marker and the admin's excludes. */
export const readHostUpdateFacts = async (root: string, mounts: readonly MountEntry[], runningKernel?: string): Promise<HostUpdateFacts> => {
  const at = (path: string): string => hostPath(root, path);
  const [clientText, credentialText, deployedText, markerText, excludeText, fstabText] = await Promise.all(
    [clientConfigPath, hostCredentialPath, deployedStatePath, updateMarkerPath, updateExcludeFilePath, '/etc/fstab'].map((path) => readOptional(at(path))),
  );
  if (clientText === undefined || credentialText === undefined) {
    throw new RootcastError('NOT_FOUND', `${root === '/' ? 'this machine' : root} has no rootcast enrolment (${at(clientText === undefined ? clientConfigPath : hostCredentialPath)} is missing)`, {
      hint: 'rootcast update runs on a host rootcast installed; a host installed otherwise needs a rootcast install first',
    });
  }
  const credential = credentialText.trim();
  if (!/^h\d+-[A-Za-z0-9_-]{43}$/.test(credential)) {
    throw new RootcastError('INVALID_DATA', `${at(hostCredentialPath)} does not hold a host credential`, { hint: 'reinstall the host to get a new credential' });
  }
  return {
    root,
    client: parseJsonFile(at(clientConfigPath), clientText, clientSchema),
    credential,
    deployed: deployedText === undefined ? undefined : parseJsonFile(at(deployedStatePath), deployedText, deployedStateSchema),
    marker: markerText === undefined ? undefined : parseJsonFile(at(updateMarkerPath), markerText, updateMarkerSchema),
    adminExcludes: excludeText === undefined ? [] : parseUpdateExcludeFile(excludeText),
    foreignMounts: foreignMountsBelow(mounts, root),
    // The running system's active ones too: a swap file set up by a unit or by hand is in no fstab.
    swapFiles: [...new Set([...(fstabText === undefined ? [] : swapFiles(parseFstab(fstabText))), ...(root === '/' ? activeSwapFiles((await readOptional('/proc/swaps')) ?? '') : [])])],
    linkedDataDirs: await readLinkedDataDirs(at),
    ...(runningKernel === undefined || root !== '/' ? {} : { runningKernel }),
  };
};

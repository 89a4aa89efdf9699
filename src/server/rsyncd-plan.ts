import { isIPv4 } from 'node:net';
import { join } from 'node:path';
import { rsyncUserFor } from '../credentials/token.js';
import { imageModuleName, overridesModuleName } from '../protocol/deploy-protocol.js';
import { RootcastError } from '../errors/rootcast-error.js';
import type { HomePaths } from '../home/paths.js';
import { imageLayout } from '../image/layout.js';
import type { ServeFleet } from './serve-fleet.js';

/** Where the generated daemon files live: config and log in <home>/run, the secrets beside the server key. */
export interface RsyncdFiles {
  configFile: string;
  secretsFile: string;
  logFile: string;
}

export const rsyncdFiles = (paths: HomePaths): RsyncdFiles => ({
  configFile: join(paths.home, 'run', 'rsyncd.conf'),
  secretsFile: join(paths.home, 'secrets', 'rsyncd.secrets'),
  logFile: join(paths.home, 'run', 'rsyncd.log'),
});

export interface RsyncdModule {
  name: string;
  path: string;
  comment: string;
  /** Rsync user names (`install.<host>`, `host.<host>`) that may read this module; never empty (a module without users is not planned). */
  authUsers: string[];
}

/** Everything rsyncd.conf says, as data; rendering is a separate step. */
export interface RsyncdConfig {
  files: RsyncdFiles;
  /** IPv4 addresses and CIDRs; everything else is denied. */
  hostsAllow: string[];
  /** Only modules someone may read: an image's versions for the hosts set to that image, each host's own override tree. */
  modules: RsyncdModule[];
}

/** Where serve publishes each host's override tree (a symlink to the newest build): `<home>/run/overrides/<host>`. */
export const servedOverridesDir = (paths: HomePaths): string => join(paths.home, 'run', 'overrides');

export interface ImageVersionOnDisk {
  image: string;
  version: number;
}

export interface RsyncdPlanInput {
  paths: HomePaths;
  fleet: ServeFleet;
  versions: readonly ImageVersionOnDisk[];
  /** Extra `hosts allow` entries (--rsync-allow), e.g. the DHCP range of hosts without a fixed IP. */
  extraAllow: readonly string[];
}

const cidrPattern = /^([0-9.]+)\/(\d{1,2})$/;

/** Why an --rsync-allow entry is unusable, or undefined. */
export const allowEntryProblem = (entry: string): string | undefined => {
  const cidr = cidrPattern.exec(entry);
  const address = cidr?.[1] ?? entry;
  if (!isIPv4(address) || (cidr !== null && Number(cidr[2]) > 32)) return `"${entry}" is not an IPv4 address or CIDR (10.0.0.0/24)`;
  return undefined;
};

/** Throws USAGE naming every unusable --rsync-allow entry. */
export const assertAllowEntries = (entries: readonly string[]): void => {
  const problems = entries.map(allowEntryProblem).filter((problem) => problem !== undefined);
  if (problems.length > 0) {
    throw new RootcastError('USAGE', `--rsync-allow: ${problems.join('; ')}`, { hint: 'give IPv4 addresses or CIDRs, e.g. --rsync-allow 10.0.0.0/24' });
  }
};

// rsyncd.conf has no quoting: a newline would start a new directive and "%" expands variables in paths.
const assertConfSafePath = (path: string): string => {
  if (/[\0-\x1f\x7f%]/.test(path) || path.trim() !== path) {
    throw new RootcastError('USAGE', `path "${path}" cannot go into rsyncd.conf (control characters, "%" or edge spaces)`, {
      hint: 'choose a --home without such characters',
    });
  }
  return path;
};

/** The image a reference names: `web`, `web@3` and `web@stable` all name `web`. */
const imageOfRef = (ref: string): string => ref.split('@', 1)[0] ?? ref;

/**
 * Pure: the daemon configuration for this fleet and these image versions. A version module is readable
 * by the hosts set to its image, whatever version they name (a rollback or an update moves between them).
 */
export const planRsyncdConfig = (input: RsyncdPlanInput): RsyncdConfig => {
  assertAllowEntries(input.extraAllow);
  const files = rsyncdFiles(input.paths);
  Object.values(files).forEach(assertConfSafePath);
  const layout = imageLayout(input.paths);
  // Each host logs in with its install token (installing) or its host credential (updating later).
  const usersOf = (name: string): string[] => [rsyncUserFor('host', name), rsyncUserFor('install', name)];
  const hostsOfImage = (image: string): string[] => input.fleet.hosts.filter((host) => imageOfRef(host.imageRef) === image).map((host) => host.name).sort().flatMap(usersOf);
  const hostIps = input.fleet.hosts.flatMap((host) => (host.ip === undefined ? [] : [host.ip]));
  const imageModules = [...input.versions]
    .sort((a, b) => a.image.localeCompare(b.image) || a.version - b.version)
    .map(({ image, version }) => ({
      name: imageModuleName(image, version),
      path: assertConfSafePath(layout.versionRoot(image, version)),
      comment: `${image}@${version}`,
      authUsers: hostsOfImage(image),
    }));
  // A host's layers may hold its secrets: each host reads its own rendered tree, never the layers themselves.
  const overrides = input.fleet.hosts
    .map((host) => host.name)
    .sort()
    .map((host) => ({ name: overridesModuleName(host), path: assertConfSafePath(join(servedOverridesDir(input.paths), host)), comment: `override tree of ${host}`, authUsers: usersOf(host) }));
  return {
    files,
    hostsAllow: [...new Set([...hostIps, ...input.extraAllow])],
    // A module without "auth users" would be open to anyone: such a module is not written at all.
    modules: [...imageModules, ...overrides].filter((module) => module.authUsers.length > 0),
  };
};

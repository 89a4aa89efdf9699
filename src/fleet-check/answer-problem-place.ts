import type { IssuePath, PathSegment } from '../inventory/issue.js';
import type { Origin, ResolvedHost } from '../inventory/resolve.js';
import { valueAt } from '../inventory/shape-issues.js';

/** `install.partitioning.partitions[2].size` → install, partitioning, partitions, 2, size. */
export const parseProblemPath = (path: string): PathSegment[] =>
  path === '' ? [] : path.split('.').flatMap((part) => {
    const [name = '', ...indexes] = part.split('[');
    return [...(name === '' ? [] : [name]), ...indexes.map((index) => Number(index.replace(']', '')))];
  });

/** The entry an effective setting came from: the top level, an image, a group or the host's own key. */
const entryOf = (origin: Origin, host: ResolvedHost): IssuePath => {
  switch (origin.kind) {
    case 'all':
      return [];
    case 'image':
      return ['images', origin.image];
    case 'group':
      return ['groups', origin.group];
    case 'host':
      return ['hosts', host.source.key];
  }
};

const hostEntry = (host: ResolvedHost): IssuePath => ['hosts', host.source.key];

type Placer = (rest: PathSegment[], host: ResolvedHost) => IssuePath;

/** One placer per top-level field of the renderer's input (AnswerFileInput). */
const placers: Record<'host' | 'network' | 'image' | 'server' | 'install', Placer> = {
  host: ([field], host) => {
    if (field === 'domain' && host.network !== undefined) return ['networks', host.network.name, 'domain'];
    if (field === 'macs') return [...hostEntry(host), host.macs.length > 1 ? 'macs' : 'mac'];
    return hostEntry(host);
  },
  // The address is the host's; prefix, gateway and name servers are its network's.
  network: (rest, host) => (rest[0] === 'ip' || host.network === undefined ? [...hostEntry(host), 'ip'] : ['networks', host.network.name, ...rest]),
  image: (_rest, host) => (host.image === undefined ? hostEntry(host) : [...entryOf(host.image.from, host), 'image']),
  server: () => ['server', 'url'],
  install: ([key, ...rest], host) => {
    const origin = typeof key === 'string' ? host.installFrom[key as keyof ResolvedHost['installFrom']] : undefined;
    return origin === undefined ? hostEntry(host) : [...entryOf(origin, host), 'install', key as string, ...rest];
  },
};

/** Stops at a list index where the file has a single value (`sshAuthorizedKeys: "ssh-ed25519 ..."`). */
const trimToFile = (root: unknown, path: IssuePath): IssuePath => {
  const end = path.findIndex((segment, index) => typeof segment === 'number' && !Array.isArray(valueAt(root, path.slice(0, index))));
  return end === -1 ? path : path.slice(0, end);
};

/**
 * Where in the inventory an answer-file problem of one host comes from: the layer that set the
 * install setting (top level, image, group or the host's own entry), the network, the server block.
 */
export const placeOfProblem = (problemPath: string, host: ResolvedHost, root: unknown): IssuePath => {
  const [head, ...rest] = parseProblemPath(problemPath);
  const placer = typeof head === 'string' && Object.hasOwn(placers, head) ? placers[head as keyof typeof placers] : undefined;
  return trimToFile(root, placer === undefined ? hostEntry(host) : placer(rest, host));
};

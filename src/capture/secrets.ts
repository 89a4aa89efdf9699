import { lstat, open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretFinding } from '../image/manifest.js';

type Check = (file: string, path: string) => Promise<SecretFinding[]>;

const maxRead = 64 * 1024;

const readHead = async (file: string): Promise<string> => {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(maxRead);
    const { bytesRead } = await handle.read(buffer, 0, maxRead, 0);
    return buffer.subarray(0, bytesRead).toString('latin1');
  } finally {
    await handle.close();
  }
};

const privateKey: Check = async (file, path) => {
  const match = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----/.exec(await readHead(file));
  if (match === null) return [];
  const flavour = (match[1] ?? '').trim();
  return [{ path, kind: 'private-key', detail: `${flavour === '' ? 'PEM' : flavour} private key` }];
};

const nonEmpty =
  (kind: SecretFinding['kind'], detail: string): Check =>
  async (file, path) =>
    (await lstat(file)).size > 0 ? [{ path, kind, detail }] : [];

/** Entries with a usable password hash (not empty, "*" or a bare "!" lock). */
const passwordHashes: Check = async (file, path) =>
  (await readFile(file, 'utf8')).split('\n').flatMap((line) => {
    const [name, hash] = line.split(':');
    const body = (hash ?? '').replace(/^!+/, '');
    if (name === undefined || name === '' || body === '' || body === '*' || body === 'x') return [];
    return [{ path, kind: 'password-hash' as const, detail: `"${name}" has a password hash` }];
  });

/** Likely places only: scanning the whole tree would cost as much as the capture itself. */
const places: readonly { glob: string; check: Check }[] = [
  { glob: '/etc/shadow', check: passwordHashes },
  { glob: '/etc/gshadow', check: passwordHashes },
  { glob: '/root/.ssh/*', check: privateKey },
  { glob: '/home/*/.ssh/*', check: privateKey },
  { glob: '/etc/ssh/*', check: privateKey },
  { glob: '/etc/ssl/private/*', check: privateKey },
  { glob: '/etc/pki/tls/private/*', check: privateKey },
  { glob: '/etc/letsencrypt/archive/*/*', check: privateKey },
  { glob: '/etc/openvpn/*', check: privateKey },
  { glob: '/etc/wireguard/*', check: nonEmpty('private-key', 'WireGuard configuration (holds a private key)') },
  { glob: '/etc/krb5.keytab', check: nonEmpty('keytab', 'Kerberos keytab') },
  { glob: '/etc/*.keytab', check: nonEmpty('keytab', 'Kerberos keytab') },
  { glob: '/var/lib/sss/keytabs/*', check: nonEmpty('keytab', 'SSSD keytab') },
  { glob: '/var/lib/sss/secrets/*', check: nonEmpty('credentials', 'SSSD secrets store') },
  { glob: '/var/lib/sss/db/cache_*', check: nonEmpty('credentials', 'SSSD cache (may hold cached password hashes)') },
  { glob: '/root/.aws/credentials', check: nonEmpty('credentials', 'AWS credentials') },
  { glob: '/home/*/.aws/credentials', check: nonEmpty('credentials', 'AWS credentials') },
  { glob: '/root/.netrc', check: nonEmpty('credentials', '.netrc passwords') },
  { glob: '/home/*/.netrc', check: nonEmpty('credentials', '.netrc passwords') },
  { glob: '/root/.pgpass', check: nonEmpty('credentials', 'PostgreSQL passwords') },
  { glob: '/home/*/.pgpass', check: nonEmpty('credentials', 'PostgreSQL passwords') },
  { glob: '/root/.docker/config.json', check: nonEmpty('credentials', 'Docker registry credentials') },
  { glob: '/home/*/.docker/config.json', check: nonEmpty('credentials', 'Docker registry credentials') },
];

export const secretScanPlaces: readonly string[] = places.map((place) => place.glob);

const globToRegExp = (component: string): RegExp =>
  new RegExp(`^${component.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replaceAll('*', '.*')}$`);

/** Regular files (never symlinks, which could point outside the image) matching a glob of "*" components. */
const expand = async (root: string, glob: string): Promise<string[]> => {
  let paths = [''];
  for (const component of glob.split('/').filter(Boolean)) {
    const next: string[] = [];
    for (const path of paths) {
      if (!component.includes('*')) {
        next.push(`${path}/${component}`);
        continue;
      }
      const names = await readdir(join(root, path)).catch(() => [] as string[]);
      const pattern = globToRegExp(component);
      next.push(...names.filter((name) => pattern.test(name)).map((name) => `${path}/${name}`));
    }
    paths = next;
  }
  const files: string[] = [];
  for (const path of paths) {
    const info = await lstat(join(root, path)).catch(() => undefined);
    if (info?.isFile() === true) files.push(path);
  }
  return files;
};

/** Finds likely secrets in a captured root, so the admin can decide before deploying it to a fleet. */
export const scanSecrets = async (root: string): Promise<SecretFinding[]> => {
  const findings: SecretFinding[] = [];
  const seen = new Set<string>();
  for (const place of places) {
    for (const path of await expand(root, place.glob)) {
      if (seen.has(path)) continue;
      seen.add(path);
      findings.push(...(await place.check(join(root, path), path).catch(() => [])));
    }
  }
  return findings.sort((a, b) => a.path.localeCompare(b.path));
};

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { RootcastError } from '../errors/rootcast-error.js';
import type { HomePaths } from '../home/paths.js';
import { privateDirPaths } from '../home/private-home.js';
import { createFileOnce } from '../sys/atomic-write.js';
import { textReply, type Reply } from './reply.js';

/**
 * Who may read the dashboard: anyone who reaches it when serve listens on loopback only (reaching it
 * takes a shell on the server or an SSH tunnel), else whoever presents the dashboard password.
 */
export type DashboardAccess = { kind: 'open' } | { kind: 'password'; password: string; file: string };

/** The user name HTTP basic auth asks for; the password is the token in `dashboardPasswordFile`. */
export const dashboardUser = 'rootcast';

export const dashboardPasswordFile = (paths: HomePaths): string => join(privateDirPaths(paths).secrets, 'dashboard.token');

/** 127.0.0.0/8 and ::1: only this machine can connect. */
export const isLoopbackAddress = (address: string): boolean => /^127\.\d+\.\d+\.\d+$/.test(address) || address === '::1' || /^::ffff:127\./i.test(address);

const readPassword = async (file: string): Promise<string> => {
  const info = await stat(file);
  if ((info.mode & 0o077) !== 0) {
    throw new RootcastError('PERMISSION', `${file} is readable by other users (mode ${(info.mode & 0o777).toString(8)})`, { hint: `run "chmod 600 ${file}"` });
  }
  const text = (await readFile(file, 'utf8')).trim();
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(text)) {
    throw new RootcastError('INVALID_DATA', `${file} does not hold a dashboard password (16-128 letters, digits, "_" or "-")`, { hint: 'remove it to have a new one generated' });
  }
  return text;
};

/** Reads the dashboard password, creating a random one (mode 600) on first use; two starters race safely (link). */
const loadPassword = async (file: string): Promise<string> => {
  try {
    return await readPassword(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await createFileOnce(file, `${randomBytes(24).toString('base64url')}\n`, 0o600);
  return readPassword(file);
};

/** The access rule for serve's HTTP address (undefined: always a password); the home's secrets/ directory must exist. */
export const loadDashboardAccess = async (paths: HomePaths, httpAddress: string | undefined): Promise<DashboardAccess> => {
  if (httpAddress !== undefined && isLoopbackAddress(httpAddress)) return { kind: 'open' };
  const file = dashboardPasswordFile(paths);
  return { kind: 'password', password: await loadPassword(file), file };
};

/** The start-up line that says where the dashboard is and how to log in. */
export const describeDashboardAccess = (access: DashboardAccess, url: string): string =>
  access.kind === 'open'
    ? `dashboard: ${url} (loopback only: no login)`
    : `dashboard: ${url} (user "${dashboardUser}", password: cat ${access.file})`;

const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
};

/** The password a request presents: basic auth as `rootcast:<password>`, or `Bearer <password>`. */
const presentedPassword = (authorization: string | undefined): string | undefined => {
  const bearer = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
  if (bearer !== undefined) return bearer;
  const basic = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(authorization ?? '')?.[1];
  if (basic === undefined) return undefined;
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon !== -1 && decoded.slice(0, colon) === dashboardUser ? decoded.slice(colon + 1) : undefined;
};

/** undefined when the request may read the dashboard, else the 401 that makes a browser ask for the password. */
export const refuseDashboard = (access: DashboardAccess, authorization: string | undefined): Reply | undefined => {
  if (access.kind === 'open') return undefined;
  const given = presentedPassword(authorization);
  if (given !== undefined && sameSecret(given, access.password)) return undefined;
  return textReply(401, `the dashboard needs a login: user "${dashboardUser}", the password is in secrets/dashboard.token under serve's home`, {
    'www-authenticate': 'Basic realm="rootcast dashboard", charset="UTF-8"',
  });
};

import { RootcastError } from '../errors/rootcast-error.js';
import { hostNameProblem } from '../inventory/names.js';
import { defaultRetryPolicy } from './retry-policy.js';

/** Everything one runner invocation needs, validated. */
export interface RunnerOptions {
  /** The installed system's root: its mount point, or "/" when running chrooted into it. */
  target: string;
  /** Base URL of rootcast serve, e.g. http://10.0.0.1:8780 */
  server: string;
  host: string;
  token: string;
  /** Print the plan and change nothing. @default false */
  dryRun: boolean;
  /** Print the plan as JSON (with dryRun). @default false */
  json: boolean;
  /** Where the RAM toolbox is mounted. @default '/run/rootcast' */
  workDir: string;
  /** Tries for every network operation (instructions, module probe, image pull). @default 20 */
  retries: number;
  /** Bandwidth limit for the image pull in KiB/s; unset means unlimited. */
  bwlimitKiB?: number;
  /** Minimum seconds between two progress events (serve hears from a running phase at least every 2 s). @default 2 */
  progressIntervalSeconds: number;
}

/** Option values as they arrive from argv (strings, maybe missing). */
export interface RawRunnerOptions {
  target?: string | undefined;
  server?: string | undefined;
  host?: string | undefined;
  token?: string | undefined;
  /** Read by readTokenFile (token-file.ts) before parsing; its content becomes `token`. */
  tokenFile?: string | undefined;
  dryRun?: boolean | undefined;
  json?: boolean | undefined;
  workDir?: string | undefined;
  retries?: string | undefined;
  bwlimit?: string | undefined;
  progressInterval?: string | undefined;
}

const parsePositiveInteger = (text: string | undefined, name: string, errors: string[], fallback: number | undefined): number | undefined => {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    errors.push(`${name}: "${text}" is not a positive whole number`);
    return fallback;
  }
  return Number(text);
};

/** Validates every option at once (usage error, exit 64); the token may come from ROOTCAST_TOKEN. */
export const parseRunnerOptions = (raw: RawRunnerOptions, env: NodeJS.ProcessEnv): RunnerOptions => {
  const errors: string[] = [];
  if (raw.target === undefined || raw.target === '') errors.push('--target: required (the installed root, e.g. /mnt/sysroot)');
  else if (!raw.target.startsWith('/')) errors.push(`--target: "${raw.target}" must be an absolute path`);
  let server = raw.server ?? '';
  if (server === '') errors.push('--server: required (the URL of rootcast serve, e.g. http://10.0.0.1:8780)');
  else {
    try {
      const url = new URL(server);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') errors.push(`--server: "${server}" must be an http:// or https:// URL`);
      server = server.replace(/\/+$/, '');
    } catch {
      errors.push(`--server: "${server}" is not a URL`);
    }
  }
  const host = raw.host ?? '';
  // The inventory's rule, so a name the server could never know is refused before any request.
  const hostProblem = host === '' ? undefined : hostNameProblem(host);
  if (host === '') errors.push('--host: required (this machine\'s name in the inventory)');
  else if (hostProblem !== undefined) errors.push(`--host: ${hostProblem}`);
  const token = raw.token ?? env['ROOTCAST_TOKEN'] ?? '';
  if (token === '') errors.push('--token: required (or set ROOTCAST_TOKEN, or --token-file); the answer file carries it');
  const retries = parsePositiveInteger(raw.retries, '--retries', errors, defaultRetryPolicy.attempts) ?? defaultRetryPolicy.attempts;
  const bwlimitKiB = parsePositiveInteger(raw.bwlimit, '--bwlimit', errors, undefined);
  const progressIntervalSeconds = parsePositiveInteger(raw.progressInterval, '--progress-interval', errors, 2) ?? 2;
  const workDir = raw.workDir ?? '/run/rootcast';
  if (!workDir.startsWith('/')) errors.push(`--work-dir: "${workDir}" must be an absolute path`);
  if (errors.length > 0) {
    throw new RootcastError('INVALID_ARGUMENT', errors.length === 1 ? `invalid runner option ${errors[0] ?? ''}` : 'invalid runner options', {
      details: errors.length === 1 ? [] : errors,
      hint: 'run with --help for the options',
    });
  }
  return {
    target: raw.target ?? '/',
    server,
    host,
    token,
    dryRun: raw.dryRun === true,
    json: raw.json === true,
    workDir: workDir.replace(/(.)\/+$/, '$1'),
    retries,
    ...(bwlimitKiB === undefined ? {} : { bwlimitKiB }),
    progressIntervalSeconds,
  };
};

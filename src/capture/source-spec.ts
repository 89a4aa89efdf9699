import { RootcastError } from '../errors/rootcast-error.js';
import type { SshTarget } from '../sys/ssh-session.js';

/** Where a capture reads from: a golden client over SSH, or a root tree on local disk. */
export type CaptureSource = ({ kind: 'ssh' } & SshTarget) | { kind: 'dir'; path: string };

const hostPattern = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const userPattern = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;
const ipv6Pattern = /^[0-9A-Fa-f:.]+$/;

const badSpec = (spec: string, why: string): RootcastError =>
  new RootcastError('USAGE', `source "${spec}" ${why}`, {
    hint: 'write USER@HOST or USER@HOST:PORT (e.g. root@golden, root@10.0.0.5:2222, root@[fe80::1]:22), or use --from-dir DIR',
  });

/** Parses `[user@]host[:port]` (IPv6 in brackets); the user defaults to root. */
export const parseSshSource = (spec: string): Extract<CaptureSource, { kind: 'ssh' }> => {
  const at = spec.lastIndexOf('@');
  const user = at === -1 ? 'root' : spec.slice(0, at);
  const rest = at === -1 ? spec : spec.slice(at + 1);
  if (!userPattern.test(user)) throw badSpec(spec, `has an invalid user name "${user}"`);
  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close === -1) throw badSpec(spec, 'has "[" without a closing "]"');
    host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) throw badSpec(spec, `has unexpected text "${after}" after "]"`);
    portText = after === '' ? undefined : after.slice(1);
    if (!ipv6Pattern.test(host) || !host.includes(':')) throw badSpec(spec, `has an invalid IPv6 address "${host}"`);
  } else {
    const parts = rest.split(':');
    if (parts.length > 2) throw badSpec(spec, 'has more than one ":" (put IPv6 addresses in brackets)');
    host = parts[0] ?? '';
    portText = parts[1];
    if (portText?.startsWith('/') === true) throw badSpec(spec, 'contains a path; rootcast always captures the whole root "/"');
    if (!hostPattern.test(host)) throw badSpec(spec, host === '' ? 'has no host name' : `has an invalid host name "${host}"`);
  }
  let port = 22;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      throw badSpec(spec, `has an invalid port "${portText}" (1-65535)`);
    }
    port = Number(portText);
  }
  return { kind: 'ssh', user, host, port };
};

/** `root@golden:22` or the directory, for messages and the summary line. */
export const describeSource = (source: CaptureSource): string =>
  source.kind === 'dir'
    ? source.path
    : `${source.user}@${source.host.includes(':') ? `[${source.host}]` : source.host}:${source.port}`;

/** Text renderings shared by the host, group and inventory commands (pure; tables are built in cli/commands). */
import { formatIssue, formatIssuePath, formatPlace, type InventoryIssue } from './issue.js';
import { effectiveNetworkMode } from './identity-settings.js';
import { formatOrigin, type ResolvedHost } from './resolve.js';
import type { GroupDef, HostDef } from './types.js';

export const dash = (value: string | undefined): string => (value === undefined || value === '' ? '-' : value);

const formatVar = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

export const formatVars = (vars: Record<string, unknown>): string =>
  Object.entries(vars).map(([name, value]) => `${name}=${formatVar(value)}`).join(' ');

/** `host show`: every effective setting and where it came from. */
export const renderHostDetails = (host: ResolvedHost): string => {
  const rows: [string, string][] = [
    ['ip', dash(host.ip)],
    ['mac', dash(host.macs.join(', '))],
    ['image', host.image === undefined ? '- (none: set one on the host or a group)' : `${host.image.ref} (from ${formatOrigin(host.image.from)})`],
  ];
  const network = host.network;
  if (network === undefined) rows.push(['network', '-']);
  else {
    rows.push(['network', `${network.name} ${network.subnet} (from ${formatOrigin(network.from)})`]);
    rows.push(['gateway', dash(network.gateway)], ['dns', dash(network.dns.join(', '))], ['fqdn', dash(host.fqdn)]);
  }
  rows.push(['groups', dash(host.groups.join(', '))]);
  const vars = Object.entries(host.vars).map(([name, value]) => `${name}=${formatVar(value)} (from ${formatOrigin(host.varsFrom[name] ?? { kind: 'host' })})`);
  rows.push(['vars', vars.length === 0 ? '-' : vars.join('\n' + ' '.repeat(14))]);
  const install = Object.entries(host.install).map(
    ([name, value]) => `${name}=${formatVar(value)} (from ${formatOrigin(host.installFrom[name as keyof typeof host.installFrom] ?? { kind: 'host' })})`,
  );
  rows.push(['install', install.length === 0 ? '-' : install.join('\n' + ' '.repeat(14))]);
  rows.push(['identity', identityLines(host).join('\n' + ' '.repeat(14))]);
  if (host.description !== undefined) rows.push(['description', host.description]);
  rows.push(['defined at', formatPlace(['hosts', host.source.key], host.source.line)]);
  return [host.name, ...rows.map(([label, value]) => `  ${`${label}:`.padEnd(12)}${value}`)].join('\n');
};

/** The effective network mode first (saying when it is the default), then every other identity setting and its layer. */
const identityLines = (host: ResolvedHost): string[] => {
  const { mode, defaulted } = effectiveNetworkMode(host);
  const origin = (key: keyof ResolvedHost['identityFrom']): string => formatOrigin(host.identityFrom[key] ?? { kind: 'host' });
  const network = `network=${mode} (${defaulted ? `default: ${mode === 'static' ? 'the host has an ip and a network' : 'no ip or no network'}` : `from ${origin('network')}`})`;
  const others = Object.entries(host.identity)
    .filter(([key]) => key !== 'network')
    .map(([key, value]) => `${key}=${formatVar(value)} (from ${origin(key as keyof ResolvedHost['identityFrom'])})`);
  return [network, ...others];
};

/** A group as listed: its settings and the hosts that name it. */
export interface GroupSummary {
  name: string;
  image?: string;
  network?: string;
  vars: Record<string, unknown>;
  description?: string;
  line?: number;
  hosts: string[];
}

export const summariseGroup = (group: GroupDef, hosts: readonly HostDef[]): GroupSummary => ({
  ...group,
  hosts: hosts.filter((host) => host.groups.includes(group.name)).map((host) => host.name),
});

export const renderGroupDetails = (group: GroupSummary): string =>
  [
    group.name,
    `  image:   ${dash(group.image)}`,
    `  network: ${dash(group.network)}`,
    `  vars:    ${dash(formatVars(group.vars))}`,
    ...(group.description === undefined ? [] : [`  description: ${group.description}`]),
    `  hosts:   ${group.hosts.length === 0 ? '-' : group.hosts.join(', ')}`,
  ].join('\n');

/** Warnings go to stderr so stdout stays the command's result. */
export const formatWarnings = (warnings: readonly InventoryIssue[]): string =>
  warnings.map((warning) => `rootcast: warning: ${formatIssue(warning)}\n`).join('');

/** Issues as JSON: the structured fields plus the one-line text. */
export const issueJson = (issue: InventoryIssue): { path: string; line?: number; message: string; text: string } => ({
  path: formatIssuePath(issue.path),
  ...(issue.line === undefined ? {} : { line: issue.line }),
  message: issue.message,
  text: formatIssue(issue),
});

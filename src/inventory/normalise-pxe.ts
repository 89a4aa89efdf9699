import { imageNameProblem } from '../image/name.js';
import { parseDuration } from './duration.js';
import { formatIpv4, hostAddressProblem, parseIpv4, parseSubnet } from './ipv4.js';
import type { IssuePath } from './issue.js';
import { interfaceNameProblem } from './names.js';
import { addError, itemPath, optional, parseEntry, type NormaliseContext } from './normalise-context.js';
import { pxeSchema, type RawPxe } from './schema.js';
import type { NetworkDef, PxeArchitecture, PxeDef, PxeInstallerDef } from './types.js';

export const pxeArchitectures: readonly PxeArchitecture[] = ['bios', 'x64-uefi', 'arm64-uefi'];

/** @default 1 hour: short enough that a first boot round's leases turn over, long enough for an install. */
export const defaultLeaseSeconds = 3600;


/** Why `text` is neither an absolute path nor an http(s) URL a boot file can come from, or undefined. */
export const bootSourceProblem = (text: string): string | undefined => {
  if (/^https?:\/\/[^/\s]+\/\S*$/.test(text)) return undefined;
  if (!text.startsWith('/')) return `"${text}" is neither an absolute path on this server nor an http(s) URL`;
  if (text.split('/').some((segment) => segment === '..')) return `"${text}" must not contain ".." segments`;
  return undefined;
};

const chooseNetwork = (ctx: NormaliseContext, raw: RawPxe, networks: Record<string, NetworkDef>): NetworkDef | undefined => {
  const names = Object.keys(networks);
  if (raw.network !== undefined) {
    const network = networks[raw.network];
    if (network === undefined) addError(ctx, ['pxe', 'network'], `network "${raw.network}" is not defined under "networks:"${names.length > 0 ? ` (known: ${names.join(', ')})` : ''}`);
    return network;
  }
  if (names.length === 1) return networks[names[0] as string];
  addError(ctx, ['pxe'], names.length === 0
    ? 'PXE needs the network it serves: define it under "networks:" (subnet, gateway, dns)'
    : `set pxe.network to the network PXE serves (one of ${names.join(', ')})`);
  return undefined;
};

const parsePool = (ctx: NormaliseContext, text: string, network: NetworkDef | undefined): PxeDef['pool'] => {
  const path: IssuePath = ['pxe', 'pool'];
  const [startText = '', endText, ...rest] = text.split('-').map((part) => part.trim());
  const start = parseIpv4(startText);
  const end = parseIpv4(endText ?? '');
  if (rest.length > 0 || endText === undefined || !start.ok || !end.ok) {
    addError(ctx, path, `"${text}" is not an address range like 10.0.0.100-10.0.0.199`);
    return undefined;
  }
  if (start.value > end.value) {
    addError(ctx, path, `"${text}" starts after it ends`);
    return undefined;
  }
  const subnet = network === undefined ? undefined : parseSubnet(network.subnet);
  if (subnet?.ok === true) {
    for (const [address, label] of [[start.value, 'start'], [end.value, 'end']] as const) {
      const problem = hostAddressProblem(subnet.subnet, address);
      if (problem !== undefined) addError(ctx, path, `the pool's ${label} ${problem}`);
    }
  }
  return { start: formatIpv4(start.value), end: formatIpv4(end.value) };
};

const parseInstallers = (ctx: NormaliseContext, raw: RawPxe['installers']): Record<string, PxeInstallerDef> => {
  const installers: Record<string, PxeInstallerDef> = {};
  for (const [name, installer] of Object.entries(raw ?? {})) {
    const path: IssuePath = ['pxe', 'installers', name];
    // Installer names become directories of the boot tree: one safe path segment, as an image name is.
    if (imageNameProblem(name) !== undefined) {
      addError(ctx, path, `"${name}" is not a distro profile name such as debian12 or rocky9`);
      continue;
    }
    const problems = (['kernel', 'initrd'] as const).flatMap((key) => {
      const problem = bootSourceProblem(installer[key]);
      if (problem !== undefined) addError(ctx, [...path, key], problem);
      return problem === undefined ? [] : [problem];
    });
    if (problems.length === 0) installers[name] = { kernel: installer.kernel, initrd: installer.initrd, ...optional('args', installer.args) };
  }
  return installers;
};

const parseArchitectures = (ctx: NormaliseContext, raw: readonly string[] | undefined): PxeArchitecture[] => {
  if (raw === undefined) return ['bios', 'x64-uefi'];
  const chosen: PxeArchitecture[] = [];
  raw.forEach((text, index) => {
    const known = pxeArchitectures.find((architecture) => architecture === text);
    if (known === undefined) addError(ctx, itemPath(ctx, ['pxe', 'architectures'], index), `"${text}" is not one of ${pxeArchitectures.join(', ')}`);
    else if (!chosen.includes(known)) chosen.push(known);
  });
  return chosen;
};

/** The top-level `pxe:` block; its network must be one of `networks` (already normalised). */
export const normalisePxe = (ctx: NormaliseContext, value: unknown, networks: Record<string, NetworkDef>): PxeDef | undefined => {
  if (value === undefined || value === null) return undefined;
  const raw = parseEntry(ctx, pxeSchema, value, ['pxe']);
  if (raw === undefined) return undefined;
  const network = chooseNetwork(ctx, raw, networks);
  const mode = raw.mode ?? 'dhcp';
  const interfaceProblem = raw.interface === undefined ? undefined : interfaceNameProblem(raw.interface);
  if (interfaceProblem !== undefined) addError(ctx, ['pxe', 'interface'], interfaceProblem);
  let pool: PxeDef['pool'];
  if (raw.pool !== undefined && mode === 'proxy') addError(ctx, ['pxe', 'pool'], 'proxy-DHCP hands out no addresses (the site\'s DHCP server does): remove pool, or set mode: dhcp');
  else if (raw.pool !== undefined) pool = parsePool(ctx, raw.pool, network);
  let leaseSeconds = defaultLeaseSeconds;
  if (raw.leaseTime !== undefined) {
    const lease = parseDuration(raw.leaseTime);
    if (!lease.ok) addError(ctx, ['pxe', 'leaseTime'], lease.problem);
    else if (lease.ms < 120_000) addError(ctx, ['pxe', 'leaseTime'], `"${raw.leaseTime}" is shorter than the 2 minutes DHCP servers accept`);
    else leaseSeconds = lease.ms / 1000;
  }
  let serverAddress: string | undefined;
  if (raw.serverAddress !== undefined) {
    const parsed = parseIpv4(raw.serverAddress);
    if (parsed.ok) serverAddress = formatIpv4(parsed.value);
    else addError(ctx, ['pxe', 'serverAddress'], parsed.problem);
  }
  return {
    mode,
    leaseSeconds,
    loader: raw.loader ?? 'native',
    tftp: raw.tftp ?? 'rootcast',
    architectures: parseArchitectures(ctx, raw.architectures),
    installers: parseInstallers(ctx, raw.installers),
    ...optional('network', network?.name),
    ...optional('interface', raw.interface),
    ...optional('pool', pool),
    ...optional('serverAddress', serverAddress),
    ...optional('line', ctx.locate(['pxe'])),
  };
};

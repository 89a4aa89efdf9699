import { imageRefProblem } from '../image/ref.js';
import { imageNameProblem } from '../image/name.js';
import { parseDuration } from './duration.js';
import { stallThresholdProblem } from './monitor-settings.js';
import { formatIpv4, hostAddressProblem, netmaskOf, parseAddressOrSubnet, parseIpv4, parseSubnet } from './ipv4.js';
import { domainProblem, entityNameProblem } from './names.js';
import { addError, checkIdentity, checkVars, itemPath, optional, parseEntry, sectionEntries, type NormaliseContext } from './normalise-context.js';
import { groupSchema, imageSchema, installSchema, networkSchema, serverSchema, type InstallSettings, type ServerSettings } from './schema.js';
import type { GroupDef, ImageDef, NetworkDef } from './types.js';

export const normaliseNetworks = (ctx: NormaliseContext, section: Record<string, unknown> | null | undefined): Record<string, NetworkDef> => {
  const networks: Record<string, NetworkDef> = {};
  for (const [name, value] of sectionEntries(section)) {
    const path = ['networks', name];
    const nameProblem = entityNameProblem('network', name);
    if (nameProblem !== undefined) addError(ctx, path, nameProblem);
    const raw = parseEntry(ctx, networkSchema, value, path);
    if (raw === undefined) continue;
    const subnet = parseSubnet(raw.subnet);
    if (!subnet.ok) {
      addError(ctx, [...path, 'subnet'], subnet.problem);
      continue;
    }
    const network: NetworkDef = {
      name,
      subnet: subnet.subnet.text,
      prefix: subnet.subnet.prefix,
      netmask: netmaskOf(subnet.subnet.prefix),
      dns: [],
    };
    if (raw.gateway !== undefined) {
      const gateway = parseIpv4(raw.gateway);
      const problem = gateway.ok ? hostAddressProblem(subnet.subnet, gateway.value) : gateway.problem;
      if (problem === undefined && gateway.ok) network.gateway = formatIpv4(gateway.value);
      else addError(ctx, [...path, 'gateway'], `gateway ${problem}`);
    }
    raw.dns?.forEach((server, index) => {
      const parsed = parseIpv4(server);
      if (parsed.ok) network.dns.push(formatIpv4(parsed.value));
      else addError(ctx, itemPath(ctx, [...path, 'dns'], index), parsed.problem);
    });
    if (raw.domain !== undefined) {
      const problem = domainProblem(raw.domain);
      if (problem === undefined) network.domain = raw.domain;
      else addError(ctx, [...path, 'domain'], problem);
    }
    if (nameProblem === undefined) networks[name] = { ...network, ...optional('description', raw.description), ...optional('line', ctx.locate(path)) };
  }
  return networks;
};

export const normaliseImages = (ctx: NormaliseContext, section: Record<string, unknown> | null | undefined): Record<string, ImageDef> => {
  const images: Record<string, ImageDef> = {};
  for (const [name, value] of sectionEntries(section)) {
    const path = ['images', name];
    const problem = imageNameProblem(name);
    if (problem !== undefined) addError(ctx, path, `image name "${name}" ${problem}`);
    const raw = parseEntry(ctx, imageSchema, value, path);
    if (raw === undefined || problem !== undefined) continue;
    checkIdentity(ctx, raw.identity, path);
    images[name] = {
      name,
      vars: checkVars(ctx, raw.vars, [...path, 'vars']),
      ...optional('description', raw.description),
      ...optional('install', raw.install),
      ...optional('identity', raw.identity),
      ...optional('line', ctx.locate(path)),
    };
  }
  return images;
};

export const normaliseGroups = (ctx: NormaliseContext, section: Record<string, unknown> | null | undefined): Record<string, GroupDef> => {
  const groups: Record<string, GroupDef> = {};
  for (const [name, value] of sectionEntries(section)) {
    const path = ['groups', name];
    const nameProblem = entityNameProblem('group', name);
    if (nameProblem !== undefined) addError(ctx, path, nameProblem);
    const raw = parseEntry(ctx, groupSchema, value, path);
    if (raw === undefined || nameProblem !== undefined) continue;
    checkIdentity(ctx, raw.identity, path);
    const group: GroupDef = {
      name,
      vars: checkVars(ctx, raw.vars, [...path, 'vars']),
      ...optional('network', raw.network),
      ...optional('install', raw.install),
      ...optional('identity', raw.identity),
      ...optional('description', raw.description),
      ...optional('line', ctx.locate(path)),
    };
    if (raw.image !== undefined) {
      const problem = imageRefProblem(raw.image);
      if (problem === undefined) group.image = raw.image;
      else addError(ctx, [...path, 'image'], problem);
    }
    groups[name] = group;
  }
  return groups;
};

/** The top-level `install:` block: defaults every host starts from. */
export const normaliseInstallDefaults = (ctx: NormaliseContext, value: unknown): InstallSettings | undefined =>
  value === undefined || value === null ? undefined : parseEntry(ctx, installSchema, value, ['install']);

export const normaliseServer = (ctx: NormaliseContext, value: unknown): ServerSettings | undefined => {
  if (value === undefined || value === null) return undefined;
  const server = parseEntry(ctx, serverSchema, value, ['server']);
  if (server?.installTokenLifetime !== undefined) {
    const lifetime = parseDuration(server.installTokenLifetime);
    if (!lifetime.ok) addError(ctx, ['server', 'installTokenLifetime'], lifetime.problem);
  }
  for (const key of ['stalledAfter', 'installerStalledAfter'] as const) {
    const text = server?.monitor?.[key];
    const problem = text === undefined ? undefined : stallThresholdProblem(text);
    if (problem !== undefined) addError(ctx, ['server', 'monitor', key], problem);
  }
  const clients = server?.answerFileClients;
  if (Array.isArray(clients)) {
    clients.forEach((entry, index) => {
      const parsed = parseAddressOrSubnet(entry);
      if (!parsed.ok) addError(ctx, itemPath(ctx, ['server', 'answerFileClients'], index), `${parsed.problem} (write an IPv4 address, a CIDR such as 10.0.0.0/24, or "any")`);
    });
  }
  return server;
};

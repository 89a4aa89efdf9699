import { RootcastError } from '../errors/rootcast-error.js';
import { mtuProblem } from '../inventory/identity-settings.js';
import { formatIpv4, hostAddressProblem, parseIpv4 } from '../inventory/ipv4.js';
import { normaliseMac } from '../inventory/mac.js';
import { domainProblem, hostNameProblem, interfaceNameProblem } from '../inventory/names.js';
import type { IdentityInput, NicConfig } from './identity-input.js';
import { canonicalMac } from './nic-naming.js';

/** How a card is named in messages: by what the config would match. */
export const describeNic = (nic: NicConfig, index: number): string =>
  nic.mac !== undefined ? `card ${nic.mac}` : nic.name !== undefined ? `card ${nic.name}` : `card ${index + 1} (any Ethernet card)`;

/** The subnet an address sits in, from its prefix length. */
const subnetAround = (address: number, prefix: number): { network: number; prefix: number; text: string } => {
  const network = address - (address % 2 ** (32 - prefix));
  return { network, prefix, text: `${formatIpv4(network)}/${prefix}` };
};

const staticProblems = (nic: NicConfig, ipv4: Extract<NicConfig['ipv4'], { method: 'static' }>): string[] => {
  const problems: string[] = [];
  if (nic.mac === undefined && nic.name === undefined) {
    problems.push('a static address needs to know which card: give the host a MAC or set identity.interface');
  }
  const address = ipv4.address === undefined ? undefined : parseIpv4(ipv4.address);
  if (address === undefined) problems.push('static addressing needs an address (the host has no ip)');
  else if (!address.ok) problems.push(address.problem);
  const prefix = ipv4.prefix;
  const prefixOk = prefix !== undefined && Number.isInteger(prefix) && prefix >= 1 && prefix <= 32;
  if (prefix === undefined) problems.push('static addressing needs a prefix length (the host has no network)');
  else if (!prefixOk) problems.push(`${prefix} is not a prefix length (1-32)`);
  const gateway = ipv4.gateway === undefined ? undefined : parseIpv4(ipv4.gateway);
  if (gateway === undefined) problems.push("static addressing needs a gateway (set one on the host's network)");
  else if (!gateway.ok) problems.push(`gateway ${gateway.problem}`);
  if (address?.ok === true && prefixOk) {
    const subnet = subnetAround(address.value, prefix);
    const addressProblem = hostAddressProblem(subnet, address.value);
    if (addressProblem !== undefined) problems.push(addressProblem);
    if (gateway?.ok === true) {
      const gatewayProblem = hostAddressProblem(subnet, gateway.value);
      if (gatewayProblem !== undefined) problems.push(`gateway ${gatewayProblem}`);
      else if (gateway.value === address.value) problems.push(`the gateway ${ipv4.gateway} is the host's own address`);
    }
  }
  return problems;
};

const nicProblems = (nic: NicConfig): string[] => {
  const problems: string[] = [];
  const mac = nic.mac === undefined ? undefined : normaliseMac(nic.mac);
  if (mac?.ok === false) problems.push(mac.problem);
  const name = nic.name === undefined ? undefined : interfaceNameProblem(nic.name);
  const mtu = nic.mtu === undefined ? undefined : mtuProblem(nic.mtu);
  problems.push(...[name, mtu].filter((problem): problem is string => problem !== undefined));
  if (nic.ipv4.method === 'static') problems.push(...staticProblems(nic, nic.ipv4));
  for (const server of nic.dns) {
    const parsed = parseIpv4(server);
    if (!parsed.ok) problems.push(`DNS server ${parsed.problem}`);
  }
  for (const domain of nic.searchDomains) {
    const problem = domainProblem(domain);
    if (problem !== undefined) problems.push(`search domain ${problem}`);
  }
  return problems;
};

/** Two configs that would claim one card: the same MAC, the same name, or two that match any card. */
const clashProblems = (nics: readonly NicConfig[]): string[] => {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  nics.forEach((nic, index) => {
    const key = nic.mac !== undefined ? `MAC ${canonicalMac(nic.mac)}` : nic.name !== undefined ? `name ${nic.name}` : 'any Ethernet card';
    const earlier = seen.get(key);
    if (earlier === undefined) seen.set(key, index);
    else problems.push(`${describeNic(nic, index)}: configured twice (${key} is also configured by ${describeNic(nics[earlier] as NicConfig, earlier)})`);
  });
  const names = nics.filter((nic) => nic.mac !== undefined && nic.name !== undefined).map((nic) => nic.name);
  names.forEach((name, index) => {
    if (names.indexOf(name) !== index) problems.push(`two cards would be renamed to ${name}`);
  });
  return problems;
};

/** Every problem of an identity input, each prefixed with what it concerns; empty when it can be planned. */
export const identityInputProblems = (input: IdentityInput): string[] => {
  const problems: string[] = [];
  const hostname = hostNameProblem(input.hostname);
  if (hostname !== undefined) problems.push(`hostname: ${hostname}`);
  if (input.fqdn !== undefined) {
    const fqdn = domainProblem(input.fqdn);
    if (fqdn !== undefined) problems.push(`fqdn: ${fqdn}`);
    else if (!input.fqdn.startsWith(`${input.hostname}.`)) problems.push(`fqdn: "${input.fqdn}" does not start with the host name "${input.hostname}."`);
  }
  if (input.network.mode === 'manage') {
    const nics = input.network.nics;
    if (nics.length === 0) problems.push('network: no network card to configure (use mode keep to leave the image\'s configuration)');
    nics.forEach((nic, index) => problems.push(...nicProblems(nic).map((problem) => `network ${describeNic(nic, index)}: ${problem}`)));
    problems.push(...clashProblems(nics).map((problem) => `network ${problem}`));
  }
  return problems;
};

/** Refuses an input with problems before anything touches a target: one error, every problem a detail line. */
export const assertIdentityInput = (input: IdentityInput): void => {
  const problems = identityInputProblems(input);
  if (problems.length === 0) return;
  throw new RootcastError('INVALID_DATA', `host ${input.hostname}: identity cannot be planned (${problems.length} problem${problems.length === 1 ? '' : 's'})`, {
    details: problems,
    hint: 'fix the host\'s ip, network or identity settings in the inventory (docs/identity.md)',
  });
};

// node:net's isIPv4 refuses leading zeros (installers would read `010` as octal), like the inventory's parseIpv4.
import { isIPv4 } from 'node:net';
import type { NetworkInput } from './answer-file-input.js';
import type { ProblemSink } from './input-problem.js';
import type { HostRenderContext } from '../render/host-render-context.js';

export const netmaskOfPrefix = (prefix: number): string => {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((shift) => (mask >>> shift) & 255).join('.');
};

/** Validates the host's network input; static needs ip, prefix and gateway so an install works without DHCP. */
export const buildNetwork = (
  input: NetworkInput | undefined,
  macs: readonly string[],
  sink: ProblemSink,
): HostRenderContext['network'] => {
  // The first MAC pins the interface; without one, Anaconda and d-i take the first link that is up.
  const device = macs[0] ?? 'link';
  if (input === undefined || input.mode === 'dhcp') return { kind: 'dhcp', device };
  const ip = input.ip ?? '';
  const gateway = input.gateway ?? '';
  const prefix = input.prefix ?? -1;
  const dns = input.dns ?? [];
  if (input.ip === undefined) sink.add('network.ip', 'a static network needs an IP address');
  else if (!isIPv4(ip)) sink.add('network.ip', `"${ip}" is not an IPv4 address`);
  if (input.prefix === undefined) sink.add('network.prefix', 'a static network needs a prefix length (e.g. 24)');
  else if (!Number.isInteger(prefix) || prefix < 1 || prefix > 32) sink.add('network.prefix', `${prefix} is not a prefix length (1-32)`);
  if (input.gateway === undefined) sink.add('network.gateway', 'a static network needs a gateway');
  else if (!isIPv4(gateway)) sink.add('network.gateway', `"${gateway}" is not an IPv4 address`);
  dns.forEach((server, index) => {
    if (!isIPv4(server)) sink.add(`network.dns[${index}]`, `"${server}" is not an IPv4 address`);
  });
  const validPrefix = Number.isInteger(prefix) && prefix >= 1 && prefix <= 32;
  return { kind: 'static', device, ip, prefix, netmask: validPrefix ? netmaskOfPrefix(prefix) : '', gateway, dns: [...dns] };
};

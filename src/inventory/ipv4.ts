/** IPv4 addresses as unsigned 32-bit numbers; rootcast's inventory is IPv4 only. */
export type Ipv4Parse = { ok: true; value: number } | { ok: false; problem: string };

export interface Subnet {
  /** Network address as a number. */
  network: number;
  prefix: number;
  /** `10.0.0.0/24` */
  text: string;
}

const maxAddress = 0xffffffff;

/** Parses dotted-quad IPv4 (`10.0.0.11`); leading zeros are refused because tools disagree on octal. */
export const parseIpv4 = (text: string): Ipv4Parse => {
  const octets = text.split('.');
  const bad = { ok: false as const, problem: `"${text}" is not an IPv4 address` };
  if (octets.length !== 4) return bad;
  let value = 0;
  for (const octet of octets) {
    if (!/^\d{1,3}$/.test(octet)) return bad;
    if (octet.length > 1 && octet.startsWith('0')) {
      return { ok: false, problem: `"${text}" is not an IPv4 address (octet "${octet}" has a leading zero)` };
    }
    const number = Number(octet);
    if (number > 255) return { ok: false, problem: `"${text}" is not an IPv4 address (octet ${octet} is above 255)` };
    value = value * 256 + number;
  }
  return { ok: true, value };
};

export const formatIpv4 = (value: number): string =>
  [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');

const maskOf = (prefix: number): number => (prefix === 0 ? 0 : (maxAddress - (2 ** (32 - prefix) - 1)));

export const netmaskOf = (prefix: number): string => formatIpv4(maskOf(prefix));

export type SubnetParse = { ok: true; subnet: Subnet } | { ok: false; problem: string };

/** Parses `10.0.0.0/24`; an address with host bits set is refused, naming the network it probably meant. */
export const parseSubnet = (text: string): SubnetParse => {
  const match = /^([^/]+)\/(\d{1,2})$/.exec(text);
  const bad = { ok: false as const, problem: `"${text}" is not an IPv4 subnet like 10.0.0.0/24` };
  if (match === null) return bad;
  const address = parseIpv4(match[1] ?? '');
  const prefix = Number(match[2]);
  if (!address.ok || prefix > 32) return bad;
  const size = 2 ** (32 - prefix);
  const network = address.value - (address.value % size);
  if (network !== address.value) {
    return { ok: false, problem: `"${text}" has host bits set; did you mean ${formatIpv4(network)}/${prefix}?` };
  }
  return { ok: true, subnet: { network, prefix, text: `${formatIpv4(network)}/${prefix}` } };
};

export const subnetContains = (subnet: Subnet, address: number): boolean =>
  address >= subnet.network && address < subnet.network + 2 ** (32 - subnet.prefix);

/** Why `address` cannot be a host address in `subnet` (outside it, or its network/broadcast address). */
export const hostAddressProblem = (subnet: Subnet, address: number): string | undefined => {
  const text = formatIpv4(address);
  if (!subnetContains(subnet, address)) return `${text} is outside the subnet ${subnet.text}`;
  // /31 and /32 have no network or broadcast address (RFC 3021).
  if (subnet.prefix >= 31) return undefined;
  if (address === subnet.network) return `${text} is the network address of ${subnet.text}`;
  if (address === subnet.network + 2 ** (32 - subnet.prefix) - 1) return `${text} is the broadcast address of ${subnet.text}`;
  return undefined;
};

export type Ipv4Allocation = { ok: true; addresses: string[] } | { ok: false; problem: string };

/** `count` consecutive addresses from `start`, for the hosts of a range in order. */
export const allocateIpv4 = (start: string, count: number): Ipv4Allocation => {
  const parsed = parseIpv4(start);
  if (!parsed.ok) return parsed;
  const last = parsed.value + count - 1;
  if (last > maxAddress) {
    return { ok: false, problem: `${count} addresses from ${start} run past 255.255.255.255` };
  }
  return { ok: true, addresses: Array.from({ length: count }, (_, offset) => formatIpv4(parsed.value + offset)) };
};

/** `10.0.0.7` or `10.0.0.0/24` as a subnet (an address is a /32). */
export const parseAddressOrSubnet = (text: string): SubnetParse => {
  if (text.includes('/')) return parseSubnet(text);
  const address = parseIpv4(text);
  return address.ok ? { ok: true, subnet: { network: address.value, prefix: 32, text: `${text}/32` } } : address;
};

/** Whether a dotted-quad address (IPv4-mapped IPv6 accepted) lies in any of the subnets. */
export const addressInSubnets = (address: string, subnets: readonly Subnet[]): boolean => {
  const parsed = parseIpv4(address.replace(/^::ffff:/i, ''));
  return parsed.ok && subnets.some((subnet) => subnetContains(subnet, parsed.value));
};

import { describe, expect, it } from 'vitest';
import { allocateIpv4, formatIpv4, hostAddressProblem, netmaskOf, parseIpv4, parseSubnet, type Subnet } from '../../../src/inventory/ipv4.js';

const subnet = (text: string): Subnet => {
  const parsed = parseSubnet(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.subnet;
};

const address = (text: string): number => {
  const parsed = parseIpv4(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.value;
};

describe('parseIpv4', () => {
  it('round-trips addresses through numbers', () => {
    for (const text of ['0.0.0.0', '10.0.0.11', '192.168.255.1', '255.255.255.255']) expect(formatIpv4(address(text))).toBe(text);
    expect(address('10.0.1.0')).toBe(10 * 2 ** 24 + 256);
  });

  it.each([
    ['10.0.0.300', '"10.0.0.300" is not an IPv4 address (octet 300 is above 255)'],
    ['10.0.0', '"10.0.0" is not an IPv4 address'],
    ['10.0.0.1.2', '"10.0.0.1.2" is not an IPv4 address'],
    ['10.0.0.x', '"10.0.0.x" is not an IPv4 address'],
    ['10.0.0.', '"10.0.0." is not an IPv4 address'],
    ['10.0.0.011', '"10.0.0.011" is not an IPv4 address (octet "011" has a leading zero)'],
    ['fe80::1', '"fe80::1" is not an IPv4 address'],
    [' 10.0.0.1', '" 10.0.0.1" is not an IPv4 address'],
  ])('rejects %j', (text, message) => {
    expect(parseIpv4(text)).toEqual({ ok: false, problem: message });
  });
});

describe('allocateIpv4', () => {
  it('counts up across octet boundaries', () => {
    expect(allocateIpv4('10.0.0.254', 4)).toEqual({ ok: true, addresses: ['10.0.0.254', '10.0.0.255', '10.0.1.0', '10.0.1.1'] });
  });

  it('allocates up to and including 255.255.255.255 but not past it', () => {
    expect(allocateIpv4('255.255.255.254', 2)).toEqual({ ok: true, addresses: ['255.255.255.254', '255.255.255.255'] });
    expect(allocateIpv4('255.255.255.254', 3)).toEqual({ ok: false, problem: '3 addresses from 255.255.255.254 run past 255.255.255.255' });
  });

  it('refuses a bad start address', () => {
    expect(allocateIpv4('10.0.0', 2)).toEqual({ ok: false, problem: '"10.0.0" is not an IPv4 address' });
  });
});

describe('subnets', () => {
  it('parses CIDR and computes the netmask', () => {
    expect(subnet('10.0.0.0/24')).toEqual({ network: address('10.0.0.0'), prefix: 24, text: '10.0.0.0/24' });
    expect(netmaskOf(24)).toBe('255.255.255.0');
    expect(netmaskOf(20)).toBe('255.255.240.0');
    expect(netmaskOf(0)).toBe('0.0.0.0');
    expect(netmaskOf(32)).toBe('255.255.255.255');
  });

  it.each([
    ['10.0.0.5/24', '"10.0.0.5/24" has host bits set; did you mean 10.0.0.0/24?'],
    ['10.0.0.0/33', '"10.0.0.0/33" is not an IPv4 subnet like 10.0.0.0/24'],
    ['10.0.0.0', '"10.0.0.0" is not an IPv4 subnet like 10.0.0.0/24'],
    ['10.0.0/24', '"10.0.0/24" is not an IPv4 subnet like 10.0.0.0/24'],
  ])('rejects %j', (text, message) => {
    expect(parseSubnet(text)).toEqual({ ok: false, problem: message });
  });

  it('tells where an allocated range leaves the subnet', () => {
    const lab = subnet('10.0.0.0/24');
    const allocation = allocateIpv4('10.0.0.253', 4);
    if (!allocation.ok) throw new Error(allocation.problem);
    expect(allocation.addresses.map((text) => hostAddressProblem(lab, address(text)) ?? 'ok')).toEqual([
      'ok',
      'ok',
      '10.0.0.255 is the broadcast address of 10.0.0.0/24',
      '10.0.1.0 is outside the subnet 10.0.0.0/24',
    ]);
    expect(hostAddressProblem(lab, address('10.0.0.0'))).toBe('10.0.0.0 is the network address of 10.0.0.0/24');
    expect(hostAddressProblem(lab, address('9.255.255.255'))).toBe('9.255.255.255 is outside the subnet 10.0.0.0/24');
  });

  it('has no network or broadcast address in a /31', () => {
    const link = subnet('10.0.0.0/31');
    expect(hostAddressProblem(link, address('10.0.0.0'))).toBeUndefined();
    expect(hostAddressProblem(link, address('10.0.0.1'))).toBeUndefined();
    expect(hostAddressProblem(link, address('10.0.0.2'))).toBe('10.0.0.2 is outside the subnet 10.0.0.0/31');
  });
});

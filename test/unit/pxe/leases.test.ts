import { describe, expect, test } from 'vitest';
import { detectLeaseFormat, parseLeases } from '../../../src/pxe/leases.js';

const dnsmasq = [
  '1795753800 52:54:00:00:00:0b 10.0.0.102 * 01:52:54:00:00:00:0b',
  '1795753790 52:54:00:00:00:0a 10.0.0.101 web-a *',
  'duid 00:01:00:01:2c:00:00:00:52:54:00:00:00:01',
  '1795753810 52:54:00:00:00:0c 10.0.0.103 * *',
  '',
].join('\n');

const isc = `# The format of this file is documented in the dhcpd.leases(5) manual page.
lease 10.0.0.120 {
  starts 3 2026/01/07 10:00:05;
  ends 3 2026/01/07 11:00:05;
  hardware ethernet 52:54:00:00:00:22;
}
lease 10.0.0.121 {
  starts 3 2026/01/07 09:59:58;
  hardware ethernet 52:54:00:00:00:21;
}
lease 10.0.0.122 {
  starts 3 2026/01/07 10:03:00;
  hardware ethernet 52:54:00:00:00:21;
}
`;

const kea = [
  'address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id',
  '10.0.0.131,52:54:00:00:00:31,,3600,1795757400,1,0,0,,0,,0',
  '10.0.0.130,52:54:00:00:00:30,,3600,1795757300,1,0,0,,0,,0',
  '',
].join('\n');

describe('leases files: every MAC once, in the order the machines booted', () => {
  test('dnsmasq: by expiry (every lease has the same length); duid lines are skipped', () => {
    expect(parseLeases(dnsmasq, 'f')).toEqual({
      format: 'dnsmasq',
      leases: [
        { mac: '52:54:00:00:00:0a', ip: '10.0.0.101', startedAt: 1795753790 },
        { mac: '52:54:00:00:00:0b', ip: '10.0.0.102', startedAt: 1795753800 },
        { mac: '52:54:00:00:00:0c', ip: '10.0.0.103', startedAt: 1795753810 },
      ],
    });
  });

  test('ISC dhcpd.leases: by "starts" (UTC); a MAC seen twice counts at its first lease', () => {
    const { format, leases } = parseLeases(isc, 'f');
    expect(format).toBe('isc');
    expect(leases.map((lease) => [lease.mac, lease.ip])).toEqual([
      ['52:54:00:00:00:21', '10.0.0.121'],
      ['52:54:00:00:00:22', '10.0.0.120'],
    ]);
    expect(leases[0]?.startedAt).toBe(Date.UTC(2026, 0, 7, 9, 59, 58) / 1000);
  });

  test('Kea memfile CSV: start = expire - valid_lifetime', () => {
    expect(parseLeases(kea, 'f').leases.map((lease) => lease.mac)).toEqual(['52:54:00:00:00:30', '52:54:00:00:00:31']);
  });

  test('anything else is refused with the formats it reads (65), not read as empty', () => {
    expect(detectLeaseFormat('hello\n')).toBeUndefined();
    expect(() => parseLeases('hello\n', '/tmp/x.leases')).toThrow(/\/tmp\/x\.leases is not a leases file/);
    expect(() => parseLeases('', 'empty')).toThrow(expect.objectContaining({ exitStatus: 65 }));
  });
});

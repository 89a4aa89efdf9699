import { describe, expect, test } from 'vitest';
import { findHostByMac, fleetProblems, normaliseFleet } from '../../../src/server/serve-fleet.js';
import { parseListenAddress } from '../../../src/server/listen-address.js';

describe('fleetProblems', () => {
  test('lists every problem at once', () => {
    const problems = fleetProblems({
      hosts: [
        { name: 'web07', macs: ['52:54:00:12:34:56'], ip: '10.0.0.1', imageRef: 'web' },
        { name: 'web07', macs: [], imageRef: 'web' },
        { name: 'Bad_Name', macs: ['nope'], ip: '10.0.0.300', imageRef: 'web\nx' },
        { name: 'web08', macs: ['52-54-00-12-34-56'], imageRef: 'web@2' },
        { name: 'web09', macs: [], imageRef: 'web@@' },
      ],
    });
    expect(problems).toEqual([
      'host "web07" is listed twice',
      'host name "Bad_Name" is not a DNS label (a-z, 0-9 and "-", not starting or ending with "-")',
      'host "Bad_Name": "nope" is not a MAC address',
      'host "Bad_Name": ip "10.0.0.300" is not an IPv4 address',
      'host "Bad_Name": image reference "web\nx" is malformed',
      'MAC 52:54:00:12:34:56 belongs to both "web07" and "web08"',
      'host "web09": image reference "web@@" is malformed',
    ]);
  });

  test('normalised MACs are found in any notation', () => {
    const fleet = normaliseFleet({ hosts: [{ name: 'web07', macs: ['52-54-00-AB-CD-EF'], imageRef: 'web' }] });
    expect(findHostByMac(fleet, '52:54:00:ab:cd:ef')?.name).toBe('web07');
  });
});

describe('parseListenAddress', () => {
  test.each([
    ['127.0.0.1:8780', { address: '127.0.0.1', port: 8780 }],
    [':8873', { address: '0.0.0.0', port: 8873 }],
    ['[::1]:0', { address: '::1', port: 0 }],
  ])('%s', (text, expected) => expect(parseListenAddress(text, '--http')).toEqual(expected));

  test.each(['localhost:80', '1.2.3.4', '1.2.3.4:99999', '1.2.3.4:x', ''])('"%s" is a usage error', (text) => {
    expect(() => parseListenAddress(text, '--http')).toThrow(expect.objectContaining({ code: 'USAGE', exitStatus: 64 }));
  });
});

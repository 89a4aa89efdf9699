import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, test } from 'vitest';
import { planTftpAddresses } from '../../../src/pxe/tftp-addresses.js';

const v4 = (address: string): NetworkInterfaceInfo => ({ address, family: 'IPv4', netmask: '255.255.255.0', mac: '52:54:00:00:00:01', internal: false, cidr: `${address}/24` });
const v6 = (address: string): NetworkInterfaceInfo => ({ address, family: 'IPv6', netmask: 'ffff:ffff:ffff:ffff::', mac: '52:54:00:00:00:01', internal: false, cidr: `${address}/64`, scopeid: 2 });
const interfaces = { lo: [v4('127.0.0.1')], eth1: [v4('10.0.0.1'), v6('fe80::1'), v4('10.0.1.1')], eth2: [v6('fe80::2')] };

describe('where rootcast\'s TFTP server listens', () => {
  test('every IPv4 address of the PXE interface, nothing else', () => {
    expect(planTftpAddresses('eth1', interfaces, '10.0.0.1')).toEqual({ addresses: ['10.0.0.1', '10.0.1.1'] });
  });

  test('without an interface: the address DHCP names as the TFTP server', () => {
    expect(planTftpAddresses(undefined, interfaces, '10.0.0.1')).toEqual({ addresses: ['10.0.0.1'] });
  });

  test('the server address on another interface: served where asked, with a warning naming both', () => {
    expect(planTftpAddresses('lo', interfaces, '10.0.0.1')).toEqual({ addresses: ['127.0.0.1'], warning: expect.stringContaining('DHCP names 10.0.0.1 (server.url or pxe.serverAddress) as the TFTP server, but lo has 127.0.0.1') });
  });

  test('an unknown interface or one without IPv4 is refused naming it', () => {
    expect(() => planTftpAddresses('eth9', interfaces, '10.0.0.1')).toThrow('unknown interface eth9: this machine has lo, eth1, eth2');
    expect(() => planTftpAddresses('eth2', interfaces, '10.0.0.1')).toThrow('eth2 has no IPv4 address');
  });
});

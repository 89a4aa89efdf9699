import { describe, expect, test } from 'vitest';
import { validateInventoryText } from '../../../src/inventory/validate.js';
import { pxeSettingsOf } from '../../../src/pxe/pxe-settings.js';
import { pxeInventory } from './pxe-fixture-inventory.js';

const errorsOf = (pxeLines: readonly string[], replace?: [RegExp, string]): string[] => {
  const text = replace === undefined ? pxeInventory(pxeLines) : pxeInventory(pxeLines).replace(replace[0], replace[1]);
  return validateInventoryText(text, { storeImages: ['web'] }).errors.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('the inventory pxe: block', () => {
  test('defaults: full DHCP, native loaders, TFTP inside serve, BIOS and x64 UEFI, 1 h leases, the only network', () => {
    const validation = validateInventoryText(pxeInventory(), { storeImages: ['web'] });
    expect(validation.errors).toEqual([]);
    expect(validation.inventory.pxe).toMatchObject({ network: 'lab', mode: 'dhcp', loader: 'native', tftp: 'rootcast', architectures: ['bios', 'x64-uefi'], leaseSeconds: 3600, pool: { start: '10.0.0.100', end: '10.0.0.199' } });
    expect(pxeSettingsOf(validation.inventory)).toMatchObject({ serverAddress: '10.0.0.1', serverUrl: 'http://10.0.0.1:8780' });
  });

  test('every mistake at once, each at its key', () => {
    expect(errorsOf(['  pool: 10.0.1.5-10.0.0.9', '  leaseTime: 30s', '  architectures: [bios, sparc]', '  mode: dhcpp', '  serverAddress: 10.0.0', '  lodaer: ipxe'])).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^pxe\.mode: /),
        expect.stringMatching(/^pxe\.lodaer: unknown key "lodaer" \(did you mean "loader"\?\)/),
      ]),
    );
    expect(errorsOf(['  pool: 10.0.1.5-10.0.0.9'])).toEqual(['pxe.pool: "10.0.1.5-10.0.0.9" starts after it ends']);
    expect(errorsOf(['  pool: 10.0.0.5-10.0.1.9'])).toEqual([expect.stringMatching(/^pxe\.pool: the pool's end 10\.0\.1\.9 is outside/)]);
    expect(errorsOf(['  leaseTime: 30s', '  architectures: [bios, sparc]', '  serverAddress: 10.0.0'])).toEqual([
      expect.stringMatching(/^pxe\.leaseTime: "30s" is shorter than the 2 minutes/),
      'pxe.architectures.1: "sparc" is not one of bios, x64-uefi, arm64-uefi',
      expect.stringMatching(/^pxe\.serverAddress: /),
    ]);
    expect(errorsOf(['  mode: proxy', '  pool: 10.0.0.100-10.0.0.110'])).toEqual([expect.stringMatching(/^pxe\.pool: proxy-DHCP hands out no addresses/)]);
    expect(errorsOf(['  network: dmz'])).toEqual(['pxe.network: network "dmz" is not defined under "networks:" (known: lab)']);
    expect(errorsOf([], [/kernel: \/srv\/d-i\/linux/, 'kernel: srv/linux'])).toEqual(['pxe.installers.debian12.kernel: "srv/linux" is neither an absolute path on this server nor an http(s) URL']);
    expect(errorsOf([], [/initrd: \/srv\/d-i\/initrd.gz/, 'initrd: /srv/../etc/shadow'])).toEqual(['pxe.installers.debian12.initrd: "/srv/../etc/shadow" must not contain ".." segments']);
  });

  test('a MAC in two hosts is an error naming both', () => {
    const errors = errorsOf([], [/web01: \{mac: "52:54:00:00:00:01"/, 'web01: {mac: "52:54:00:00:00:03"']);
    expect(errors).toEqual([expect.stringMatching(/52:54:00:00:00:03 \(host db01\) is also the MAC of web01/)]);
  });

  test('PXE needs a server URL with an address DHCP can name, or pxe.serverAddress', () => {
    const byName = validateInventoryText(pxeInventory().replace('http://10.0.0.1:8780', 'http://boot.lab.example:8780'), { storeImages: ['web'] });
    expect(() => pxeSettingsOf(byName.inventory)).toThrow(/server\.url names "boot\.lab\.example", but DHCP must name the TFTP server by address/);
    const withAddress = validateInventoryText(pxeInventory(['  serverAddress: 10.0.0.2']).replace('http://10.0.0.1:8780', 'http://boot.lab.example:8780'), { storeImages: ['web'] });
    expect(pxeSettingsOf(withAddress.inventory).serverAddress).toBe('10.0.0.2');
    const none = validateInventoryText('hosts: {}\n');
    expect(() => pxeSettingsOf(none.inventory)).toThrow(/no "pxe:" block/);
  });
});

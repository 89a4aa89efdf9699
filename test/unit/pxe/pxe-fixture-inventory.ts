import { validateInventoryText } from '../../../src/inventory/validate.js';
import { resolveHosts, type ResolvedHost } from '../../../src/inventory/resolve.js';
import { pxeSettingsOf, type PxeSettings } from '../../../src/pxe/pxe-settings.js';

/** One inventory for the PXE unit tests: two reserved hosts (one with two NICs), one learned later, a pool. */
export const pxeInventory = (pxeLines: readonly string[] = []): string =>
  [
    'server: {url: "http://10.0.0.1:8780"}',
    'install: {distro: debian12}',
    'networks:',
    '  lab: {subnet: 10.0.0.0/24, gateway: 10.0.0.254, dns: [10.0.0.53, 10.0.0.54], domain: lab.example}',
    'images:',
    '  web: {}',
    'pxe:',
    '  interface: eth1',
    ...(pxeLines.length > 0 ? pxeLines : ['  pool: 10.0.0.100-10.0.0.199']),
    '  installers:',
    '    debian12: {kernel: /srv/d-i/linux, initrd: /srv/d-i/initrd.gz, args: "console=ttyS0,115200n8"}',
    '    rocky9: {kernel: "http://mirror.example/rocky/9/BaseOS/x86_64/os/images/pxeboot/vmlinuz", initrd: "http://mirror.example/rocky/9/BaseOS/x86_64/os/images/pxeboot/initrd.img"}',
    'hosts:',
    '  web01: {mac: "52:54:00:00:00:01", ip: 10.0.0.11, image: web, network: lab}',
    '  web02: {macs: ["52:54:00:00:00:02", "52:54:00:00:00:12"], ip: 10.0.0.12, image: web, network: lab}',
    '  db01: {mac: "52:54:00:00:00:03", image: web, network: lab, install: {distro: rocky9}}',
    '  web03: {image: web, network: lab}',
    '',
  ].join('\n');

export const loadPxeFixture = (text: string = pxeInventory()): { settings: PxeSettings; hosts: ResolvedHost[] } => {
  const validation = validateInventoryText(text, { storeImages: ['web'] });
  if (validation.errors.length > 0) throw new Error(validation.errors.map((issue) => issue.message).join('\n'));
  return { settings: pxeSettingsOf(validation.inventory), hosts: resolveHosts(validation.inventory) };
};

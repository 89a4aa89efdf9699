import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { findPackageRoot } from '../../../src/package/package-root.js';
import { planBootTree } from '../../../src/pxe/boot-tree-plan.js';
import { planHostBoots, type AnswerFamilies, type PxeBootChoice } from '../../../src/pxe/host-boots.js';
import { loadPxeTemplates, type PxeTemplates } from '../../../src/render/pxe-templates.js';
import { matchRoute } from '../../../src/server/routes.js';
import { tftpPathInTree } from '../../../src/sys/tftp-server.js';
import { loadPxeFixture } from './pxe-fixture-inventory.js';

const families: AnswerFamilies = new Map([['debian12', 'debian'], ['rocky9', 'rhel']]);

describe('each host\'s next PXE boot', () => {
  const { settings, hosts } = loadPxeFixture();
  const plan = (choices: Map<string, PxeBootChoice> = new Map(), deployed: Set<string> = new Set()) =>
    planHostBoots({ hosts, installers: settings.installers, families, choices, deployed });

  test('hosts without a MAC are left out; the rest install with their own distro\'s installer', () => {
    const boots = plan();
    expect(boots.map((boot) => [boot.name, boot.next.kind, boot.next.kind === 'install' ? boot.next.distro : '', boot.why])).toEqual([
      ['web01', 'install', 'debian12', 'not deployed yet'],
      ['web02', 'install', 'debian12', 'not deployed yet'],
      ['db01', 'install', 'rocky9', 'not deployed yet'],
    ]);
  });

  test('a deployed host boots locally; a stored choice wins over the record either way', () => {
    const choices = new Map<string, PxeBootChoice>([['web02', { next: 'install', why: 'rootcast pxe reinstall', at: '2026-01-01T00:00:00Z' }]]);
    const boots = plan(choices, new Set(['web01', 'web02']));
    expect(boots.find((boot) => boot.name === 'web01')).toMatchObject({ next: { kind: 'local' }, why: 'deployed' });
    expect(boots.find((boot) => boot.name === 'web02')).toMatchObject({ next: { kind: 'install' }, why: 'rootcast pxe reinstall, 2026-01-01T00:00:00Z' });
  });

  test('a host whose distro has no installer boots locally and says why', () => {
    const boots = planHostBoots({ hosts, installers: { debian12: settings.installers['debian12']! }, families, choices: new Map(), deployed: new Set() });
    expect(boots.find((boot) => boot.name === 'db01')).toMatchObject({ next: { kind: 'local' }, problem: 'pxe.installers has no entry for rocky9' });
  });
});

describe('the boot tree plan', () => {
  let templates: PxeTemplates;
  beforeAll(async () => {
    templates = await loadPxeTemplates(join(findPackageRoot(), 'templates'));
  });

  test('entries per MAC for pxelinux, grub and iPXE with the answer file by name (by MAC for iPXE)', () => {
    const { settings, hosts } = loadPxeFixture();
    const boots = planHostBoots({ hosts, installers: settings.installers, families, choices: new Map(), deployed: new Set() });
    const plan = planBootTree({ root: '/srv/pxe', settings, hosts: boots, templates, present: new Set(['/usr/lib/PXELINUX/pxelinux.0']) });
    const file = (path: string) => plan.files.find((entry) => entry.path === path)?.content ?? '';
    expect(file('pxelinux.cfg/01-52-54-00-00-00-12')).toContain('APPEND initrd=installers/debian12/initrd.gz auto=true priority=critical url=http://10.0.0.1:8780/preseed/web02 interface=auto console=ttyS0,115200n8');
    expect(file('grub/hosts/52:54:00:00:00:03.cfg')).toContain('linux /installers/rocky9/vmlinuz inst.ks=http://10.0.0.1:8780/ks/db01 ip=dhcp');
    expect(file('ipxe/52-54-00-00-00-01.ipxe')).toContain('kernel http://10.0.0.1:8780/pxe/installers/debian12/linux initrd=initrd.gz auto=true priority=critical url=http://10.0.0.1:8780/preseed/mac/${net0/mac}');
    expect(plan.copies.find((copy) => copy.tree === 'installers/rocky9/initrd.img')?.from).toEqual({ kind: 'url', url: 'http://mirror.example/rocky/9/BaseOS/x86_64/os/images/pxeboot/initrd.img', setting: 'pxe.installers.rocky9.initrd' });
    // Only pxelinux.0 was "present": every other local source is a problem naming its package or setting.
    expect(plan.problems).toContain('ldlinux.c32: /usr/lib/syslinux/modules/bios/ldlinux.c32 is missing; it comes with the Debian package syslinux-common (apt-get install syslinux-common)');
    expect(plan.problems).toContain('installers/debian12/linux: /srv/d-i/linux (pxe.installers.debian12.kernel) does not exist on this server');
    expect(plan.problems.some((problem) => problem.startsWith('pxelinux.0'))).toBe(false);
  });
});

describe('paths inside the boot tree', () => {
  test('TFTP: a leading slash is fine, ".." and backslashes are refused', () => {
    expect(tftpPathInTree('/pxelinux.0')).toEqual({ ok: true, path: 'pxelinux.0' });
    expect(tftpPathInTree('grub/./grub.cfg')).toEqual({ ok: true, path: 'grub/grub.cfg' });
    for (const bad of ['../etc/passwd', 'grub/../../x', '..\\x', '/', '.']) expect(tftpPathInTree(bad).ok, bad).toBe(false);
  });

  test('HTTP: /pxe/<path> is a boot-file route; traversal is refused before routing', () => {
    expect(matchRoute('GET', '/pxe/ipxe/52-54-00-00-00-01.ipxe')).toEqual({ ok: true, route: { kind: 'boot-file', path: 'ipxe/52-54-00-00-00-01.ipxe' } });
    expect(matchRoute('GET', '/pxe/../rootcast.yaml')).toMatchObject({ ok: false, status: 400 });
    expect(matchRoute('GET', '/pxe/%2e%2e/x')).toMatchObject({ ok: false, status: 400 });
    expect(matchRoute('POST', '/pxe/boot.ipxe')).toMatchObject({ ok: false, status: 405 });
  });
});

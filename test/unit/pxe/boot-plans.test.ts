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
    const plan = planBootTree({ root: '/srv/pxe', settings, hosts: boots, templates, present: new Set(['/usr/lib/PXELINUX/pxelinux.0', '/srv/d-i/linux', '/srv/d-i/initrd.gz']) });
    const file = (path: string) => plan.files.find((entry) => entry.path === path)?.content ?? '';
    expect(file('pxelinux.cfg/01-52-54-00-00-00-12')).toContain('APPEND initrd=installers/debian12/initrd.gz auto=true priority=critical url=http://10.0.0.1:8780/preseed/web02 interface=auto console=ttyS0,115200n8');
    expect(file('grub/hosts/52:54:00:00:00:03.cfg')).toContain('linux /installers/rocky9/vmlinuz inst.ks=http://10.0.0.1:8780/ks/db01 ip=dhcp');
    expect(file('ipxe/52-54-00-00-00-01.ipxe')).toContain('kernel http://10.0.0.1:8780/pxe/installers/debian12/linux initrd=initrd.gz auto=true priority=critical url=http://10.0.0.1:8780/preseed/mac/${net0/mac}');
    expect(plan.copies.find((copy) => copy.tree === 'installers/rocky9/initrd.img')?.from).toEqual({ kind: 'url', url: 'http://mirror.example/rocky/9/BaseOS/x86_64/os/images/pxeboot/initrd.img', setting: 'pxe.installers.rocky9.initrd' });
    // Only pxelinux.0 of the packages was "present": every other package file is a problem naming its package.
    const messages = plan.problems.map((problem) => problem.message);
    expect(messages).toContain('ldlinux.c32: /usr/lib/syslinux/modules/bios/ldlinux.c32 is missing; it comes with the Debian package syslinux-common (apt-get install syslinux-common); the bios loader is incomplete: bios machines cannot boot from this server');
    expect(messages.some((message) => message.startsWith('pxelinux.0') || message.startsWith('installers/'))).toBe(false);
  });

  describe('a missing file skips only its own loader or installer', () => {
    const { settings, hosts } = loadPxeFixture();
    const boots = planHostBoots({ hosts, installers: settings.installers, families, choices: new Map(), deployed: new Set() });
    const everything = new Set(['/usr/lib/PXELINUX/pxelinux.0', '/usr/lib/syslinux/modules/bios/ldlinux.c32', '/usr/lib/shim/shimx64.efi.signed', '/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed', '/usr/lib/shim/mmx64.efi.signed', '/srv/d-i/linux', '/srv/d-i/initrd.gz']);
    const without = (path: string) => new Set([...everything].filter((present) => present !== path));
    const trees = (copies: readonly { tree: string }[]) => copies.map((copy) => copy.tree);
    const hostOf = (plan: ReturnType<typeof planBootTree>, name: string) => plan.hosts.find((host) => host.name === name);

    test('everything present: every unit is copied, nothing is reported', () => {
      const plan = planBootTree({ root: '/srv/pxe', settings, hosts: boots, templates, present: everything });
      expect(plan.problems).toEqual([]);
      expect(plan.skipped).toEqual([]);
      expect(trees(plan.copies)).toContain('installers/rocky9/vmlinuz');
    });

    test('grub missing: only grub is skipped; the x64 UEFI loader is reported incomplete, hosts still install', () => {
      const plan = planBootTree({ root: '/srv/pxe', settings, hosts: boots, templates, present: without('/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed') });
      expect(trees(plan.skipped)).toEqual(['grubx64.efi']);
      expect(trees(plan.copies)).toEqual(['pxelinux.0', 'ldlinux.c32', 'shimx64.efi', 'mmx64.efi', 'installers/debian12/linux', 'installers/debian12/initrd.gz', 'installers/rocky9/vmlinuz', 'installers/rocky9/initrd.img']);
      expect(plan.problems).toEqual([{ code: 'UNAVAILABLE', message: 'grubx64.efi: /usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed is missing; it comes with the Debian package grub-efi-amd64-signed (apt-get install grub-efi-amd64-signed); the x64-uefi loader is incomplete: x64-uefi machines cannot boot from this server' }]);
      expect(plan.hosts).toEqual(boots);
    });

    test('an installer file missing: that installer is not offered and its hosts boot locally, saying why', () => {
      const plan = planBootTree({ root: '/srv/pxe', settings, hosts: boots, templates, present: without('/srv/d-i/initrd.gz') });
      expect(trees(plan.skipped)).toEqual(['installers/debian12/initrd.gz']);
      expect(trees(plan.copies)).toContain('installers/debian12/linux');
      expect(plan.problems).toEqual([{ code: 'UNAVAILABLE', message: 'installers/debian12/initrd.gz: /srv/d-i/initrd.gz (pxe.installers.debian12.initrd) does not exist on this server; installer debian12 is not offered: its hosts boot from their local disk' }]);
      expect(hostOf(plan, 'web01')).toMatchObject({ next: { kind: 'local' }, problem: 'installer debian12 is incomplete on this server (missing installers/debian12/initrd.gz)' });
      expect(hostOf(plan, 'db01')?.next.kind).toBe('install');
      expect(plan.files.find((file) => file.path === 'pxelinux.cfg/01-52-54-00-00-00-01')?.content).toContain('LOCALBOOT 0');
      expect(plan.warnings).toContain('web02 boots locally instead of installing: installer debian12 is incomplete on this server (missing installers/debian12/initrd.gz)');
    });

    test('a URL that failed: 404 is NOT_FOUND and its installer is not offered; a failed re-download keeps the copy from before', () => {
      const failure = { message: 'cannot fetch http://mirror.example/rocky/9/BaseOS/x86_64/os/images/pxeboot/vmlinuz (pxe.installers.rocky9.kernel): HTTP 404 Not Found', code: 'NOT_FOUND', attempted: true } as const;
      const unfetched = new Map([['installers/rocky9/vmlinuz', failure]]);
      const failed = planBootTree({ root: '/srv/pxe', settings, hosts: boots, templates, present: everything, unfetched });
      expect(failed.problems).toEqual([{ code: 'NOT_FOUND', message: `installers/rocky9/vmlinuz: ${failure.message}; installer rocky9 is not offered: its hosts boot from their local disk` }]);
      expect(trees(failed.skipped)).toEqual(['installers/rocky9/vmlinuz']);
      expect(hostOf(failed, 'db01')?.next.kind).toBe('local');
      const kept = planBootTree({ root: '/srv/pxe', settings, hosts: boots, templates, present: everything, unfetched, cached: new Set(['installers/rocky9/vmlinuz', 'installers/rocky9/initrd.img']) });
      expect(kept.problems).toEqual([{ code: 'NOT_FOUND', message: `installers/rocky9/vmlinuz: ${failure.message}; the copy downloaded before stays in the tree` }]);
      expect(kept.skipped).toEqual([]);
      expect(hostOf(kept, 'db01')?.next.kind).toBe('install');
    });
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

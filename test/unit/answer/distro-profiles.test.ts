import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadDistroProfiles } from '../../../src/answer/load-distro-profiles.js';
import { parseDistroProfiles } from '../../../src/answer/parse-distro-profiles.js';
import { findPackageRoot } from '../../../src/package/package-root.js';

const shipped = join(findPackageRoot(), 'kickstart');

const minimal = (id: string, extra = ''): { path: string; text: string } => ({
  path: `kickstart/${id}.yaml`,
  text: `id: ${id}\nname: Test\nfamily: rhel\nkickstartDialect: rhel9\nsysroot: /mnt/sysroot\nsource: {kind: media}\npackages: [rsync, curl]\npostDeploy: {initramfs: [dracut -f], bootloader: {bios: ['grub2-install {disk}'], efi: [], config: [grub2-mkconfig -o /boot/grub2/grub.cfg]}, relabel: []}\nkeepPaths: [/etc/fstab]\n${extra}`,
});

describe('shipped distro profiles (kickstart/)', () => {
  test('every supported distro loads and carries the facts the installer and runner need', async () => {
    const catalog = await loadDistroProfiles(shipped);
    expect([...catalog.keys()].sort()).toEqual(['alma10', 'alma8', 'alma9', 'debian12', 'debian13', 'fedora42', 'fedora43', 'rhel10', 'rhel8', 'rhel9', 'rocky10', 'rocky8', 'rocky9']);
    for (const profile of catalog.values()) {
      expect(profile.packages).toEqual(expect.arrayContaining(['rsync', 'curl']));
      expect(profile.keepPaths).toEqual(expect.arrayContaining(['/etc/fstab', '/etc/crypttab', '/boot/efi/']));
    }
    const sysroot = (id: string) => catalog.get(id)?.sysroot;
    expect([sysroot('rhel8'), sysroot('rocky8'), sysroot('rhel9'), sysroot('alma10'), sysroot('fedora43'), sysroot('debian13')]).toEqual([
      '/mnt/sysimage', '/mnt/sysimage', '/mnt/sysroot', '/mnt/sysroot', '/mnt/sysroot', '/target',
    ]);
    expect(catalog.get('rocky8')?.postDeploy.bootloader.config.at(-1)).toContain('/boot/efi/EFI/rocky/grub.cfg');
    expect(catalog.get('debian13')?.postDeploy).toEqual({
      initramfs: ['update-initramfs -u -k all'],
      bootloader: {
        bios: ['grub-install --target=i386-pc {disk}'],
        efi: ['grub-install --target=x86_64-efi --efi-directory=/boot/efi --bootloader-id=debian --no-nvram --force-extra-removable'],
        config: ['update-grub'],
      },
      relabel: [],
    });
    // Every rhel profile installs grub2 per disk on BIOS, writes BLS entries for the clone's machine id, and relabels.
    for (const profile of [...catalog.values()].filter((candidate) => candidate.family === 'rhel')) {
      expect(profile.postDeploy.bootloader.bios, profile.id).toEqual(['grub2-install --target=i386-pc {disk}']);
      expect(profile.postDeploy.bootloader.config.join('\n'), profile.id).toMatch(/kernel-install add[\s\S]*grub2-mkconfig -o /);
    }
    expect(catalog.get('fedora42')?.postDeploy.relabel).toEqual(['touch /.autorelabel']);
    expect(catalog.get('debian13')?.suite).toBe('trixie');
  });
});

describe('parseDistroProfiles', () => {
  test('boot commands: bios lines must name {disk}, the others must not', () => {
    const parsed = parseDistroProfiles([
      { ...minimal('nodisk'), text: minimal('nodisk').text.replace("bios: ['grub2-install {disk}']", 'bios: [grub2-install /dev/sda]') },
      { ...minimal('diskcfg'), text: minimal('diskcfg').text.replace('config: [grub2-mkconfig -o /boot/grub2/grub.cfg]', "config: ['grub2-mkconfig {disk}']") },
    ]);
    expect(parsed.ok ? [] : parsed.problems.join('\n')).toMatch(/nodisk\.yaml: postDeploy\.bootloader\.bios\.0: must name the boot disk as \{disk\}[\s\S]*diskcfg\.yaml: postDeploy\.bootloader\.config\.0: names \{disk\}/);
  });

  test('extends replaces top-level keys of the base', () => {
    const parsed = parseDistroProfiles([minimal('base'), { path: 'kickstart/child.yaml', text: 'id: child\nextends: base\nname: Child\nsysroot: /mnt/sysimage\n' }]);
    expect(parsed.ok && [parsed.catalog.get('child')?.name, parsed.catalog.get('child')?.sysroot, parsed.catalog.get('child')?.packages]).toEqual(['Child', '/mnt/sysimage', ['rsync', 'curl']]);
  });

  test('reports every problem with its file and field', () => {
    const parsed = parseDistroProfiles([
      { ...minimal('nocurl'), text: minimal('nocurl').text.replace('[rsync, curl]', '[rsync]') },
      { path: 'kickstart/orphan.yaml', text: 'id: orphan\nextends: missing\n' },
      { path: 'kickstart/loop.yaml', text: 'id: loop\nextends: loop\n' },
      { path: 'kickstart/named.yaml', text: minimal('other').text },
      { path: 'kickstart/broken.yaml', text: 'id: [\n' },
      minimal('typo', 'sysrot: /x\n'),
    ]);
    expect(parsed.ok ? [] : parsed.problems).toEqual([
      'kickstart/named.yaml: id must be "named" (the file name)',
      'kickstart/broken.yaml: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1',
      'kickstart/nocurl.yaml: packages: must include rsync and curl',
      'kickstart/orphan.yaml: extends unknown profile "missing"',
      'kickstart/loop.yaml: extends forms a cycle (loop -> loop)',
      "kickstart/typo.yaml: (top): Unrecognized key(s) in object: 'sysrot'",
    ]);
  });

  test('loading a directory with a bad profile fails with INVALID_DATA listing it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rootcast-profiles-'));
    try {
      await writeFile(join(dir, 'bad.yaml'), minimal('bad').text.replace('family: rhel', 'family: suse'));
      await expect(loadDistroProfiles(dir)).rejects.toMatchObject({
        code: 'INVALID_DATA',
        details: [expect.stringContaining("bad.yaml: family: Invalid enum value. Expected 'rhel' | 'debian', received 'suse'")],
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

import { beforeAll, describe, expect, test } from 'vitest';
import { loadAnswerAssets } from '../../../src/answer/answer-assets.js';
import type { AnswerFileInput, LayoutInput } from '../../../src/answer/answer-file-input.js';
import { buildRenderContext } from '../../../src/answer/build-render-context.js';
import type { DistroCatalog } from '../../../src/answer/distro-profile.js';
import { formatInputProblem } from '../../../src/answer/input-problem.js';
import { baseInput, lvmLayout, plainLayout, raidLvmLayout, withLayout, withStatic } from '../../golden/answer-fixtures.js';

let catalog: DistroCatalog;
beforeAll(async () => {
  catalog = (await loadAnswerAssets()).catalog;
});

const problemsOf = (input: AnswerFileInput): string[] => {
  const built = buildRenderContext(input, catalog);
  return built.ok ? [] : built.problems.map(formatInputProblem);
};

const layout = (distro: string, changes: Partial<LayoutInput>): AnswerFileInput => withLayout(baseInput(distro), { ...plainLayout, ...changes });

describe('buildRenderContext', () => {
  test('builds the documented context for a static host', () => {
    const built = buildRenderContext(withStatic(baseInput('rhel8')), catalog);
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    expect(built.context.host).toEqual({ name: 'web07', fqdn: 'web07.example.com', domain: 'example.com', macs: ['52:54:00:12:34:56'] });
    expect(built.context.network).toEqual({
      kind: 'static', device: '52:54:00:12:34:56', ip: '10.0.0.17', prefix: 24, netmask: '255.255.255.0', gateway: '10.0.0.1', dns: ['10.0.0.2', '10.0.0.3'],
    });
    expect(built.context.server).toEqual({ httpUrl: 'http://10.0.0.1:8080', bootstrapUrl: 'http://10.0.0.1:8080/boot/bootstrap.sh' });
    expect(built.context.install.distro.sysroot).toBe('/mnt/sysimage');
    expect(built.context.install.rootPassword.policy).toBe('crypted');
    expect(built.context.install.partitioning).toEqual({ kind: 'auto', scheme: 'lvm', disks: [] });
  });

  test('defaults: locked root, UTC, us keyboard, DHCP on link without a MAC, media source on RHEL', () => {
    const built = buildRenderContext({ ...baseInput('rhel9'), host: { name: 'db01' }, network: undefined }, catalog);
    if (!built.ok) throw new Error('expected ok');
    const { install, network, host } = built.context;
    expect([install.rootPassword, install.timezone, install.keyboard, install.lang]).toEqual([{ policy: 'locked' }, 'Etc/UTC', 'us', 'en_US.UTF-8']);
    expect(network).toEqual({ kind: 'dhcp', device: 'link' });
    expect(host).toEqual({ name: 'db01', fqdn: 'db01', domain: null, macs: [] });
    expect(install.source).toEqual({ kind: 'media' });
  });

  test('a static network without ip, prefix and gateway reports all three', () => {
    expect(problemsOf({ ...baseInput('debian12'), network: { mode: 'static', dns: ['10.0.0.300'] } })).toEqual([
      'network.ip: a static network needs an IP address',
      'network.prefix: a static network needs a prefix length (e.g. 24)',
      'network.gateway: a static network needs a gateway',
      'network.dns[0]: "10.0.0.300" is not an IPv4 address',
    ]);
  });

  test('addresses with leading zeros are refused: installers would read 010 as octal', () => {
    expect(problemsOf({ ...baseInput('debian12'), network: { mode: 'static', ip: '10.0.0.010', prefix: 24, gateway: '10.0.0.1', dns: ['010.0.0.2'] } })).toEqual([
      'network.ip: "10.0.0.010" is not an IPv4 address',
      'network.dns[0]: "010.0.0.2" is not an IPv4 address',
    ]);
  });

  test('collects problems across the whole input', () => {
    const input = baseInput('nosuchos');
    const bad: AnswerFileInput = {
      ...input,
      host: { name: 'Web_07', macs: ['52-54-00-12-34-56'] },
      image: { name: 'web', ref: 'db@3' },
      server: { httpUrl: 'ftp://x' },
      install: { ...input.install, token: 'short' },
    };
    expect(problemsOf(bad)).toEqual([
      'host.name: host name "Web_07" is not a DNS label (a-z, 0-9 and "-", not starting or ending with "-")',
      'host.macs[0]: "52-54-00-12-34-56" is not a normalised MAC address (52:54:00:12:34:56)',
      'image.ref: "db@3" is not a reference to image web (like web@3)',
      'server.httpUrl: "ftp://x" is not an http:// or https:// URL',
      'install.distro: unknown distro "nosuchos" (known: alma10, alma8, alma9, debian12, debian13, fedora42, fedora43, rhel10, rhel8, rhel9, rocky10, rocky8, rocky9)',
    ]);
  });

  test('install settings are checked: token, hash, keys, locale, extra repos on debian', () => {
    const input = baseInput('debian12');
    expect(problemsOf({
      ...input,
      install: { ...input.install, token: 'has spaces in it!!!', rootPasswordHash: 'hunter2', sshAuthorizedKeys: ['not a key'], lang: 'English', repos: { extra: [{ name: 'x', baseurl: 'http://x/' }] } },
    })).toEqual([
      'install.token: must be 16-128 characters of A-Z, a-z, 0-9, "_" and "-"',
      'install.lang: "English" is not a locale like en_US.UTF-8',
      'install.rootPasswordHash: is not a crypt(3) hash like $6$salt$... (never a plain password)',
      'install.sshAuthorizedKeys[0]: is not a one-line OpenSSH public key (type, base64, optional comment)',
      'install.repos.extra: extra repositories are supported for kickstart distros only',
    ]);
  });

  test('torrent installs: EL needs EPEL asked for; EPEL elsewhere or a bad mirror URL is refused', () => {
    const install = (distro: string, extra: Partial<AnswerFileInput['install']>): AnswerFileInput => {
      const input = baseInput(distro);
      return { ...input, install: { ...input.install, ...extra } };
    };
    expect(problemsOf(install('rocky9', { transport: 'torrent' }))).toEqual([
      'install.transport: torrent installs need aria2, which Rocky Linux 9 has only in EPEL 9; set install.repos.epel: true (or a mirror\'s URL), or install.transport: rsync',
    ]);
    expect(problemsOf(install('rhel8', { transport: 'auto' }))[0]).toContain('which Red Hat Enterprise Linux 8 has only in EPEL 8');
    expect(problemsOf(install('debian12', { repos: { epel: true } }))).toEqual(['install.repos.epel: EPEL is for Enterprise Linux; Debian 12 (bookworm) carries aria2 in its own repositories']);
    expect(problemsOf(install('fedora43', { transport: 'torrent', repos: { epel: true } }))).toEqual(['install.repos.epel: EPEL is for Enterprise Linux; Fedora 43 carries aria2 in its own repositories']);
    expect(problemsOf(install('rhel9', { transport: 'torrent', repos: { epel: 'mirror.lan/epel' } }))).toEqual([
      'install.repos.epel: "mirror.lan/epel" is not an http(s):// or ftp:// URL (or true for Fedora\'s EPEL mirrors)',
    ]);
    // rsync (the default) adds nothing: no aria2, no EPEL line.
    const plain = buildRenderContext(install('rocky9', {}), catalog);
    expect(plain.ok && [plain.context.install.distro.packages.includes('aria2'), plain.context.install.epel]).toEqual([false, null]);
    const epelOnly = buildRenderContext(install('rocky9', { repos: { epel: true } }), catalog);
    expect(epelOnly.ok && epelOnly.context.install.epel).toEqual({ option: 'metalink', url: 'https://mirrors.fedoraproject.org/metalink?repo=epel-9&arch=x86_64' });
  });

  test('the fixture layouts are valid for the families they are meant for', () => {
    expect(problemsOf(withLayout(baseInput('rhel9'), raidLvmLayout))).toEqual([]);
    expect(problemsOf(withLayout(baseInput('debian12'), lvmLayout))).toEqual([]);
    expect(problemsOf(withLayout(baseInput('debian12'), plainLayout))).toEqual([]);
  });
});

describe('layout validation', () => {
  const at = 'install.partitioning';
  test('no / file system', () => {
    expect(problemsOf(layout('rhel9', { partitions: [{ size: 100, fs: 'xfs', mount: '/srv' }] }))).toEqual([`${at}: the layout has no / file system`]);
  });
  test('two / file systems', () => {
    expect(problemsOf(layout('rhel9', { partitions: [{ size: 100, fs: 'xfs', mount: '/' }, { size: 100, fs: 'ext4', mount: '/' }] }))).toEqual([
      `${at}.partitions[1]: mount point / is already used by ${at}.partitions[0]`,
    ]);
  });
  test('sizes must be positive and unit-checked', () => {
    expect(problemsOf(layout('rhel9', { partitions: [{ size: 0, fs: 'xfs', mount: '/' }, { size: '10GB', fs: 'swap' }] }))).toEqual([
      `${at}.partitions[0].size: 0 is not a positive whole number of MiB`,
      `${at}.partitions[1].size: "10GB" is not a size (use a number of MiB or e.g. "512MiB", "20GiB", "1TiB")`,
    ]);
  });
  test('one grow per disk', () => {
    expect(problemsOf(layout('rhel9', { partitions: [{ size: 100, grow: true, fs: 'xfs', mount: '/' }, { size: 100, grow: true, fs: 'xfs', mount: '/srv' }] }))).toEqual([
      `${at}.partitions: 2 entries grow on disk vda; at most one may take the remaining space`,
    ]);
  });
  test('one grow per volume group', () => {
    const bad = { ...lvmLayout, logicalVolumes: [...(lvmLayout.logicalVolumes ?? []), { vg: 'vg0', name: 'srv', size: 100, grow: true, fs: 'xfs', mount: '/srv' }] };
    expect(problemsOf(withLayout(baseInput('rhel9'), bad))).toEqual([`${at}.logicalVolumes: 2 entries grow on volume group vg0; at most one may take the remaining space`]);
  });
  test('unknown fs, swap with a mount point, fs without one', () => {
    expect(problemsOf(layout('rhel9', { partitions: [{ size: 100, fs: 'zfs', mount: '/' }, { size: 100, fs: 'swap', mount: '/swap' }, { size: 100, fs: 'xfs' }] }))).toEqual([
      `${at}.partitions[0].fs: unknown file system "zfs" (known: ext4, ext3, ext2, xfs, vfat, efi, swap, biosboot)`,
      `${at}.partitions[1].mount: swap has no mount point`,
      `${at}.partitions[2].mount: a xfs file system needs a mount point`,
      `${at}: the layout has no / file system`,
    ]);
  });
  test('RAID needs enough members on different disks; referenced arrays and VGs must exist', () => {
    const bad: LayoutInput = {
      mode: 'layout',
      disks: ['sda', 'sdb'],
      partitions: [{ disk: 'sda', size: 100, raid: 'md0' }, { disk: 'sda', size: 100, raid: 'md0' }, { disk: 'sdb', size: 100, raid: 'md9' }, { disk: 'sdc', size: 100, vg: 'nope' }],
      raids: [{ name: 'md0', level: 5, fs: 'xfs', mount: '/' }],
    };
    expect(problemsOf(withLayout(baseInput('rhel9'), bad))).toEqual([
      `${at}.partitions[2].raid: RAID array "md9" is not declared in raids`,
      `${at}.partitions[3].disk: disk "sdc" is not in the layout's disks (sda, sdb)`,
      `${at}.partitions[3].vg: volume group "nope" is not declared in volumeGroups`,
      `${at}.raids[0]: RAID 5 needs at least 3 member partitions, found 2`,
      `${at}.raids[0]: RAID members must be on different disks`,
    ]);
  });
  test('/boot cannot be an LV; a partition needs exactly one use', () => {
    const bad = { ...lvmLayout, partitions: [...lvmLayout.partitions, { size: 100, fs: 'xfs', vg: 'vg0', mount: '/x' }], logicalVolumes: [...(lvmLayout.logicalVolumes ?? []), { vg: 'vg0', name: 'boot', size: 100, fs: 'ext4', mount: '/boot' }] };
    expect(problemsOf(withLayout(baseInput('rhel9'), bad))).toEqual([
      `${at}.partitions[2]: must have exactly one of fs, raid or vg`,
      `${at}.logicalVolumes[2].mount: /boot cannot be on LVM (the boot loader must read it)`,
      `${at}.logicalVolumes[2]: mount point /boot is already used by ${at}.partitions[0]`,
    ]);
  });
  test('debian-installer layouts: one disk, no RAID', () => {
    expect(problemsOf(withLayout(baseInput('debian12'), raidLvmLayout))).toEqual([
      `${at}.disks: debian-installer layouts support one disk (use a kickstart distro for multi-disk layouts)`,
      `${at}.raids: RAID layouts are supported for kickstart only, not debian-installer`,
    ]);
  });
});

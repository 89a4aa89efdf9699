import type { AnswerFileInput, LayoutInput } from '../../src/answer/answer-file-input.js';

/** A DHCP host with automatic partitioning; fixtures below vary one thing at a time. */
export const baseInput = (distro: string): AnswerFileInput => ({
  host: { name: 'web07', domain: 'example.com', macs: ['52:54:00:12:34:56'] },
  network: { mode: 'dhcp' },
  image: { name: 'web', ref: 'web@3' },
  server: { httpUrl: 'http://10.0.0.1:8080/' },
  install: { token: 'tok_0123456789abcdefXYZ', distro },
  vars: { role: 'frontend' },
});

export const staticNetwork = { mode: 'static', ip: '10.0.0.17', prefix: 24, gateway: '10.0.0.1', dns: ['10.0.0.2', '10.0.0.3'] } as const;

const sshKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHb5lQ7vZ2xkR8kU0lV0x4w3Yk8m1p2q3r4s5t6u7v8w admin@example.com';
const rootHash = '$6$rootcast$Wf0T0CqwbrEO3mXxNq1Nq8oF3Z2nq3qH0H9b2QvUeS7l8yq4N0s8hM2nQ1cR4x6U2kXyZ4w5VdJ0tGm1kXy3p.';

export const withStatic = (input: AnswerFileInput): AnswerFileInput => ({
  ...input,
  network: staticNetwork,
  install: { ...input.install, rootPasswordHash: rootHash, sshAuthorizedKeys: [sshKey], timezone: 'Europe/Berlin', keyboard: 'de', lang: 'de_DE.UTF-8' },
});

export const withLayout = (input: AnswerFileInput, layout: LayoutInput): AnswerFileInput => ({
  ...input,
  install: { ...input.install, partitioning: layout },
});

/** Plain partitions on one disk, with its own ESP and a growing root. */
export const plainLayout: LayoutInput = {
  mode: 'layout',
  disks: ['vda'],
  partitions: [
    { size: '600MiB', fs: 'efi', mount: '/boot/efi' },
    { size: '1GiB', fs: 'xfs', mount: '/boot' },
    { size: 2048, fs: 'swap' },
    { size: '10GiB', grow: true, fs: 'ext4', mount: '/' },
  ],
};

/** RAID 1 /boot plus LVM on RAID 1 across two disks (kickstart only). */
export const raidLvmLayout: LayoutInput = {
  mode: 'layout',
  disks: ['sda', 'sdb'],
  partitions: [
    { disk: 'sda', size: '1GiB', raid: 'md0' },
    { disk: 'sdb', size: '1GiB', raid: 'md0' },
    { disk: 'sda', size: '20GiB', grow: true, raid: 'md1' },
    { disk: 'sdb', size: '20GiB', grow: true, raid: 'md1' },
  ],
  raids: [
    { name: 'md0', level: 1, fs: 'ext4', mount: '/boot' },
    { name: 'md1', level: 1, vg: 'vg0' },
  ],
  volumeGroups: [{ name: 'vg0' }],
  logicalVolumes: [
    { vg: 'vg0', name: 'root', size: '12GiB', fs: 'xfs', mount: '/' },
    { vg: 'vg0', name: 'swap', size: '2GiB', fs: 'swap' },
    { vg: 'vg0', name: 'var', size: '4GiB', grow: true, fs: 'xfs', mount: '/var' },
  ],
};

/** LVM on one disk: the partman expert recipe case. */
export const lvmLayout: LayoutInput = {
  mode: 'layout',
  disks: ['sda'],
  partitions: [
    { size: '1GiB', fs: 'ext4', mount: '/boot' },
    { size: '10GiB', grow: true, vg: 'vg0' },
  ],
  volumeGroups: [{ name: 'vg0' }],
  logicalVolumes: [
    { vg: 'vg0', name: 'root', size: '8GiB', grow: true, fs: 'ext4', mount: '/' },
    { vg: 'vg0', name: 'swap', size: '1GiB', fs: 'swap' },
  ],
};

export const kickstartDistros = ['rhel8', 'rhel9', 'rhel10', 'rocky8', 'rocky9', 'rocky10', 'alma8', 'alma9', 'alma10', 'fedora42', 'fedora43'];
const preseedDistros = ['debian12', 'debian13'];

/** Every golden case: name -> input. Each distro with DHCP+auto, plus static and layouts per family. */
export const goldenCases = (): Record<string, AnswerFileInput> => {
  const cases: Record<string, AnswerFileInput> = {};
  for (const distro of [...kickstartDistros, ...preseedDistros]) cases[`${distro}-dhcp-auto`] = baseInput(distro);
  for (const distro of ['rhel8', 'rhel9', 'fedora43', 'debian12', 'debian13']) cases[`${distro}-static-auto`] = withStatic(baseInput(distro));
  cases['rhel9-dhcp-plain'] = withLayout(baseInput('rhel9'), plainLayout);
  cases['rhel9-static-raid-lvm'] = withLayout(withStatic(baseInput('rhel9')), raidLvmLayout);
  cases['rhel8-dhcp-raid-lvm'] = withLayout(baseInput('rhel8'), raidLvmLayout);
  cases['fedora42-dhcp-lvm'] = withLayout(baseInput('fedora42'), lvmLayout);
  // Every kickstart dialect sees every storage command and option the template emits.
  cases['rhel10-static-raid-lvm'] = withLayout(withStatic(baseInput('rhel10')), raidLvmLayout);
  cases['fedora43-dhcp-plain'] = withLayout(baseInput('fedora43'), plainLayout);
  cases['debian12-static-lvm'] = withLayout(withStatic(baseInput('debian12')), lvmLayout);
  cases['debian13-dhcp-plain'] = withLayout(baseInput('debian13'), plainLayout);
  const noDomainNoMac = baseInput('debian12');
  cases['debian12-nodomain-nomac'] = { ...noDomainNoMac, host: { name: 'db01' } };
  cases['rhel9-nodomain-nomac'] = { ...baseInput('rhel9'), host: { name: 'db01' } };
  const withRepos = baseInput('rocky9');
  cases['rocky9-repo-override'] = {
    ...withRepos,
    install: { ...withRepos.install, repos: { url: 'http://mirror.lan/rocky/9/BaseOS/x86_64/os/', extra: [{ name: 'appstream', baseurl: 'http://mirror.lan/rocky/9/AppStream/x86_64/os/' }, { name: 'local', baseurl: 'http://mirror.lan/local/' }] } },
  };
  // BitTorrent installs (docs/fanout.md): aria2 and zstd in the minimal set, EPEL on Enterprise Linux.
  const torrent = (distro: string, extra: Partial<AnswerFileInput['install']> = {}): AnswerFileInput => {
    const input = baseInput(distro);
    return { ...input, install: { ...input.install, transport: 'torrent', ...extra } };
  };
  cases['rocky9-torrent-epel'] = torrent('rocky9', { repos: { epel: true } });
  cases['rhel8-auto-epel-mirror'] = torrent('rhel8', { transport: 'auto', repos: { epel: 'http://mirror.lan/epel/8/Everything/x86_64/' } });
  cases['rhel10-torrent-epel'] = torrent('rhel10', { repos: { epel: true } });
  cases['fedora43-torrent'] = torrent('fedora43');
  cases['debian12-torrent'] = torrent('debian12');
  const debianMirror = baseInput('debian12');
  cases['debian12-mirror-override'] = { ...debianMirror, install: { ...debianMirror.install, repos: { url: 'https://mirror.lan/debian/' } } };
  return cases;
};

import { describe, expect, test } from 'vitest';
import { buildDaemonPullArgs, buildLocalCopyArgs, buildModuleProbeArgs, withDaemonAddress } from '../../../src/sys/rsync-pull.js';
import { namespaceHolderArgs, nsenterArgs } from '../../../src/sys/mount-namespace.js';
import { bindMountArgs, tmpfsMountArgs } from '../../../src/sys/mount.js';

describe('rsync pull argv', () => {
  test('a daemon pull is a faithful deleting copy with progress, timeouts and protected paths before "--"', () => {
    const args = buildDaemonPullArgs({ source: 'rsync://web07@10.0.0.1:873/img.web.3/', destination: '/target/', protect: ['/etc/fstab', '/boot/efi'], ioTimeoutSeconds: 60, bwlimitKiB: 1000 });
    const dashes = args.indexOf('--');
    expect(args.slice(dashes)).toEqual(['--', 'rsync://web07@10.0.0.1:873/img.web.3/', '/target/']);
    const options = args.slice(0, dashes);
    for (const option of ['-aHAXS', '--numeric-ids', '--delete', '--info=progress2', '--sockopts=TCP_NODELAY', '--no-inc-recursive', '--timeout=60', '--contimeout=60', '--bwlimit=1000', '--exclude=/etc/fstab', '--exclude=/boot/efi', '--stats']) {
      expect(options).toContain(option);
    }
    expect(options).not.toContain('--delete-excluded');
    expect(options).not.toContain('-x');
  });

  test('an update\'s pass and its dry run both report progress beside their item lines (the stall watchdog\'s sign of life); only the real pass delays its updates', () => {
    const pull = { source: 'rsync://host.web07@10.0.0.1:873/img.web.3/', destination: '/', protect: [], ioTimeoutSeconds: 60 };
    const live = buildDaemonPullArgs({ ...pull, live: { dryRun: false, delete: true } });
    expect(live).toEqual(expect.arrayContaining(['--info=progress2', '--out-format=%l %i %n', '--delay-updates']));
    expect(live).not.toContain('--no-inc-recursive');
    expect(live).not.toContain('--dry-run');
    const dry = buildDaemonPullArgs({ ...pull, live: { dryRun: true, delete: true } });
    expect(dry).toEqual(expect.arrayContaining(['--dry-run', '--info=progress2', '--out-format=%l %i %n']));
    expect(dry).not.toContain('--delay-updates');
  });

  test('the local toolbox copy stays on one filesystem; measuring adds --dry-run', () => {
    const copy = buildLocalCopyArgs('/mnt/sysroot/', '/run/rootcast/toolbox.1/', ['/proc/*'], false);
    expect(copy).toContain('-x');
    expect(copy).not.toContain('--dry-run');
    expect(buildLocalCopyArgs('/mnt/sysroot/', '/x/', [], true)).toContain('--dry-run');
  });

  test('the daemon URL keeps the server\'s user and gets the resolved address (IPv6 bracketed)', () => {
    expect(withDaemonAddress('rsync://web07@images.example:8873/img.web.3/', '10.0.0.1')).toBe('rsync://web07@10.0.0.1:8873/img.web.3/');
    expect(withDaemonAddress('rsync://web07@images.example/img.web.3/', 'fd00::1')).toBe('rsync://web07@[fd00::1]/img.web.3/');
    expect(buildModuleProbeArgs('rsync://a@b/m/', 30)).toEqual(['--list-only', '--sockopts=TCP_NODELAY', '--timeout=30', '--contimeout=30', '--', 'rsync://a@b/m/']);
  });

  test('namespace and mount argv', () => {
    expect(namespaceHolderArgs().slice(0, 5)).toEqual(['-m', '-p', '--fork', '--propagation', 'private']);
    expect(nsenterArgs(42, 'mount', ['-a'])).toEqual(['-t', '42', '-m', '-p', '-r', '-w', '--', 'mount', '-a']);
    expect(tmpfsMountArgs('/t', 1048576)).toEqual(['-t', 'tmpfs', '-o', 'size=1048576,mode=0755', 'rootcast-toolbox', '/t']);
    expect(bindMountArgs('/proc', '/t/proc', true)).toEqual(['--rbind', '/proc', '/t/proc']);
  });

  test('the RAM-toolbox copy keeps links, ACLs and xattrs but skips the sparse scan; the image pull keeps -S', () => {
    const copy = buildLocalCopyArgs('/mnt/sysroot/', '/run/rootcast/toolbox.1/', ['/proc/*'], false);
    expect(copy[0]).toBe('-aHAX');
    expect(copy).toContain('-x');
    expect(buildLocalCopyArgs('/mnt/sysroot/', '/x/', [], true)[0]).toBe('-aHAX');
    expect(buildDaemonPullArgs({ source: 'rsync://h@1.2.3.4:873/m/', destination: '/target/', protect: [], ioTimeoutSeconds: 60 })).toContain('-aHAXS');
  });
});

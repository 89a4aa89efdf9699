import { describe, expect, test } from 'vitest';
import { fsRoleOf, isBelow, isMountPoint, parseMountinfo, parseProcMounts } from '../../../src/sys/mount-table.js';

const mountinfo = `22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
30 22 0:5 / /dev rw shared:2 - devtmpfs udev rw
40 22 8:2 / /mnt/sysroot rw,relatime shared:10 - xfs /dev/vda2 rw
47 40 8:4 / /mnt/sysroot/srv/my\\040data rw master:3 shared:12 - ext4 /dev/vda4 rw,errors=remount-ro
`;
const procMounts = `/dev/vda1 / ext4 rw,relatime 0 0
proc /proc proc rw,nosuid 0 0
/dev/vda4 /srv/my\\040data ext4 rw 0 0
server:/export\\011x /mnt/nfs nfs4 rw 0 0
`;

describe('the mount table', () => {
  test('mountinfo: mount points and sources unescaped (\\040), optional tags skipped, the mount\'s own options', () => {
    const entries = parseMountinfo(mountinfo);
    expect(entries).toHaveLength(4);
    expect(entries.at(-1)).toEqual({ device: '/dev/vda4', mountPoint: '/mnt/sysroot/srv/my data', fsType: 'ext4', options: 'rw' });
    expect(parseMountinfo('garbage\n\n')).toEqual([]);
  });

  test('/proc/mounts: the same entries, escaped the same way', () => {
    const entries = parseProcMounts(procMounts);
    expect(entries[2]).toEqual({ device: '/dev/vda4', mountPoint: '/srv/my data', fsType: 'ext4', options: 'rw' });
    expect(entries[3]?.device).toBe('server:/export\tx');
    expect(parseProcMounts('none relative tmpfs rw 0 0\n')).toEqual([]);
  });

  test('knows mount points; "/" always counts', () => {
    const entries = parseMountinfo(mountinfo);
    expect(isMountPoint(entries, '/mnt/sysroot')).toBe(true);
    expect(isMountPoint(entries, '/mnt')).toBe(false);
    expect(isMountPoint([], '/')).toBe(true);
  });

  test('one table of filesystem types: kernel-made, remote, derived (overlay, squashfs) and the rest local', () => {
    expect(['proc', 'tmpfs', 'cgroup2', 'rootfs'].map(fsRoleOf)).toEqual(['pseudo', 'pseudo', 'pseudo', 'pseudo']);
    expect(['nfs4', 'nfsd', 'cifs', 'fuse.sshfs'].map(fsRoleOf)).toEqual(['remote', 'remote', 'remote', 'remote']);
    expect(['overlay', 'squashfs', 'iso9660', 'fuse'].map(fsRoleOf)).toEqual(['derived', 'derived', 'derived', 'derived']);
    expect(['ext4', 'xfs', 'btrfs', 'vfat', 'constructor'].map(fsRoleOf)).toEqual(['local', 'local', 'local', 'local', 'local']);
  });

  test('isBelow is strict and treats "/" as everyone\'s parent', () => {
    expect(isBelow('/mnt/sysroot/boot', '/mnt/sysroot')).toBe(true);
    expect(isBelow('/mnt/sysroot', '/mnt/sysroot')).toBe(false);
    expect(isBelow('/mnt/sysroot-other', '/mnt/sysroot')).toBe(false);
    expect(isBelow('/boot', '/')).toBe(true);
    expect(isBelow('/', '/')).toBe(false);
  });
});

import { describe, expect, test } from 'vitest';
import { findTargetSubmounts } from '../../../src/runner/target-submounts.js';
import { parseMountinfo } from '../../../src/sys/mount-table.js';

const mountinfo = `22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
30 22 0:5 / /dev rw shared:2 - devtmpfs udev rw
40 22 8:2 / /mnt/sysroot rw,relatime shared:10 - xfs /dev/vda2 rw
41 40 8:1 / /mnt/sysroot/boot rw - xfs /dev/vda1 rw
42 41 8:3 / /mnt/sysroot/boot/efi rw - vfat /dev/vda3 rw
43 40 0:5 / /mnt/sysroot/dev rw - devtmpfs udev rw
44 40 0:22 / /mnt/sysroot/proc rw - proc proc rw
45 40 0:23 / /mnt/sysroot/run rw - tmpfs tmpfs rw
46 45 8:9 / /mnt/sysroot/run/media/usb rw - ext4 /dev/sdb1 rw
47 40 8:4 / /mnt/sysroot/srv/my\\040data rw - ext4 /dev/vda4 rw
48 22 8:5 / /mnt/sysroot-other rw - ext4 /dev/vda5 rw
`;

describe('the target\'s own filesystems', () => {
  const entries = parseMountinfo(mountinfo);

  test('the target\'s own filesystems are its disk mounts, not pseudo filesystems, siblings or mounts inside a tmpfs', () => {
    expect(findTargetSubmounts(entries, '/mnt/sysroot')).toEqual(['/boot', '/boot/efi', '/srv/my data']);
    expect(findTargetSubmounts(entries, '/')).toContain('/mnt/sysroot');
  });

  test('network, overlay and image-backed filesystems below the target are not its own, nor what is mounted below them', () => {
    const more = parseMountinfo(`${mountinfo}50 40 0:40 / /mnt/sysroot/home rw - nfs4 server:/home rw
51 50 8:6 / /mnt/sysroot/home/scratch rw - ext4 /dev/vda6 rw
52 40 7:0 / /mnt/sysroot/snap/core/1 ro - squashfs /dev/loop0 ro
53 40 0:41 / /mnt/sysroot/var/lib/containers/x rw - overlay overlay rw
`);
    expect(findTargetSubmounts(more, '/mnt/sysroot')).toEqual(['/boot', '/boot/efi', '/srv/my data']);
  });
});

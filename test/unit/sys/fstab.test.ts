import { describe, expect, test } from 'vitest';
import { mountPointsMissing, parseFstab, swapFiles } from '../../../src/sys/fstab.js';

const installed = parseFstab(`# /etc/fstab: static file system information.
UUID=1111 /               ext4    errors=remount-ro 0       1
UUID=2222 /boot/efi       vfat    umask=0077      0       1
/swapfile none swap sw 0 0
`);

const golden = parseFstab(`UUID=aaaa / ext4 defaults 0 1
UUID=bbbb /var xfs defaults 0 2
UUID=cccc /srv/data\\040set ext4 defaults,noauto 0 2
/dev/sdb1 none swap sw 0 0
proc /proc proc defaults 0 0
tmpfs /tmp/ tmpfs defaults 0 0
`);

describe('fstab', () => {
  test('parses fields, octal escapes and default options; skips comments and short lines', () => {
    expect(installed).toEqual([
      { spec: 'UUID=1111', mountpoint: '/', fstype: 'ext4', options: ['errors=remount-ro'] },
      { spec: 'UUID=2222', mountpoint: '/boot/efi', fstype: 'vfat', options: ['umask=0077'] },
      { spec: '/swapfile', mountpoint: 'none', fstype: 'swap', options: ['sw'] },
    ]);
    expect(parseFstab('only two\n\n   # nothing\n/dev/x /y ext4')).toEqual([{ spec: '/dev/x', mountpoint: '/y', fstype: 'ext4', options: ['defaults'] }]);
    expect(golden[2]?.mountpoint).toBe('/srv/data set');
  });

  test('the golden mount points an install lacks; swap and kernel file systems left out', () => {
    expect(mountPointsMissing(golden, installed)).toEqual(['/var', '/srv/data set']);
    expect(mountPointsMissing(parseFstab('srv:/home /home nfs4 defaults 0 0\n/ / ext4'), installed)).toEqual(['/home']);
    expect(mountPointsMissing(installed, installed)).toEqual([]);
  });

  test('swap files, not swap devices', () => {
    expect(swapFiles([...installed, ...golden])).toEqual(['/swapfile']);
  });
});

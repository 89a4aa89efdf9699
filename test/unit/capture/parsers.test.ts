import { describe, expect, test } from 'vitest';
import { parseExcludeFile } from '../../../src/capture/exclude-file.js';
import { inspectionScript, parseInspection, splitInspectionOutput } from '../../../src/capture/inspection.js';
import { parseLsblk } from '../../../src/capture/lsblk.js';
import { classifyMount, planMounts } from '../../../src/capture/mounts.js';
import { parseProcMounts } from '../../../src/sys/mount-table.js';
import { parseKernelList } from '../../../src/image/kernels.js';
import { parseOsRelease } from '../../../src/capture/os-release.js';
import { describeSource, parseSshSource } from '../../../src/capture/source-spec.js';
import { isRootcastError } from '../../../src/errors/rootcast-error.js';

const mounts = `/dev/vda1 / ext4 rw,relatime 0 0
proc /proc proc rw 0 0
sysfs /sys sysfs rw 0 0
devtmpfs /dev devtmpfs rw 0 0
tmpfs /run tmpfs rw 0 0
/dev/vda2 /boot ext4 rw 0 0
/dev/vda3 /boot/efi vfat rw 0 0
nas:/export /srv/nfs nfs4 rw 0 0
/dev/vdb1 /srv/nfs/inner ext4 rw 0 0
/dev/vdc1 /mnt/with\\040space xfs rw 0 0
sshfs#x /home/me/remote fuse.sshfs rw 0 0
overlay /var/lib/docker/overlay2/abc/merged overlay rw 0 0
/dev/loop3 /snap/core/1 squashfs ro 0 0
`;

describe('source spec', () => {
  test.each([
    ['root@golden', { user: 'root', host: 'golden', port: 22 }],
    ['golden:2222', { user: 'root', host: 'golden', port: 2222 }],
    ['admin@10.0.0.5:22', { user: 'admin', host: '10.0.0.5', port: 22 }],
    ['root@[fe80::1]:2200', { user: 'root', host: 'fe80::1', port: 2200 }],
    ['root@golden.example.com.', { user: 'root', host: 'golden.example.com.', port: 22 }],
  ])('%s', (spec, expected) => {
    expect(parseSshSource(spec)).toEqual({ kind: 'ssh', ...expected });
  });

  test.each([['root@'], ['root@golden:0'], ['root@golden:65536'], ['root@golden:x'], ['root@golden:/'], ['a:b:c'], ['root@[::1'], ['root@[zz]:22'], ['bad user@x'], ['-oProxyCommand=x']])(
    '%j is a usage error',
    (spec) => {
      try {
        parseSshSource(spec);
        expect.unreachable();
      } catch (error) {
        expect(isRootcastError(error) && error.code).toBe('USAGE');
      }
    },
  );

  test('describes sources for messages', () => {
    expect(describeSource(parseSshSource('root@[::1]:2200'))).toBe('root@[::1]:2200');
    expect(describeSource({ kind: 'dir', path: '/srv/root' })).toBe('/srv/root');
  });
});

describe('exclude file', () => {
  test('one pattern a line; blanks and comments skipped; CRLF tolerated', () => {
    expect(parseExcludeFile('# c\n/var/log/*\r\n\n  # indented comment\n*.pyc\n', 'f')).toEqual(['/var/log/*', '*.pyc']);
  });
  test('reports every bad line with file:line', () => {
    try {
      parseExcludeFile('- /x\nok\n+ /y\nnul\0\n', 'ex.txt');
      expect.unreachable();
    } catch (error) {
      expect(isRootcastError(error) && error.code).toBe('INVALID_DATA');
      expect(isRootcastError(error) && error.details.map((line) => line.split(':').slice(0, 2).join(':'))).toEqual(['ex.txt:1', 'ex.txt:3', 'ex.txt:4']);
    }
  });
});

describe('inspection parsers', () => {
  test('os-release with quotes and escapes', () => {
    expect(parseOsRelease('NAME="Debian GNU/Linux"\nID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian \\"12\\""\nID_LIKE="rhel fedora"\n')).toEqual({
      id: 'debian', versionId: '12', name: 'Debian GNU/Linux', prettyName: 'Debian "12"', idLike: ['rhel', 'fedora'],
    });
    expect(parseOsRelease('')).toBeUndefined();
  });

  test('kernels from /boot', () => {
    expect(parseKernelList(['config-6.1.0-18-amd64', 'vmlinuz-6.1.0-18-amd64', 'vmlinuz-6.1.0-9-amd64', 'vmlinuz-0-rescue-abc', 'initrd.img-6.1.0-18-amd64', 'vmlinuz'])).toEqual(['6.1.0-18-amd64', '6.1.0-9-amd64']);
  });

  test('/proc/mounts with octal escapes; roles of each filesystem', () => {
    const entries = parseProcMounts(mounts);
    expect(entries.find((entry) => entry.fsType === 'xfs')?.mountPoint).toBe('/mnt/with space');
    expect(entries.map(classifyMount)).toEqual(['root', 'pseudo', 'pseudo', 'pseudo', 'pseudo', 'local', 'local', 'remote', 'local', 'local', 'remote', 'derived', 'derived']);
  });

  test('extra local filesystems get their own pass; anything under a skipped mount is skipped with it', () => {
    const planned = planMounts(parseProcMounts(mounts));
    expect(planned.localMountPoints).toEqual(['/boot', '/boot/efi', '/mnt/with space']);
    expect(planned.skipped.map((skip) => skip.mountPoint)).toEqual(['/dev', '/home/me/remote', '/proc', '/run', '/snap/core/1', '/srv/nfs', '/sys', '/var/lib/docker/overlay2/abc/merged']);
    expect(planned.skipped.find((skip) => skip.mountPoint === '/srv/nfs')?.reason).toMatch(/network filesystem \(nfs4\)/);
  });

  test('lsblk JSON (nested children, string sizes) and no lsblk at all', () => {
    const json = JSON.stringify({ blockdevices: [{ name: 'vda', type: 'disk', size: 10737418240, fstype: null, mountpoint: null, uuid: null, children: [{ name: 'vda1', type: 'part', size: '1073741824', fstype: 'ext4', mountpoint: '/', uuid: 'abc' }] }] });
    expect(parseLsblk(json)).toEqual([
      { name: 'vda', type: 'disk', sizeBytes: 10737418240 },
      { name: 'vda1', type: 'part', sizeBytes: 1073741824, fsType: 'ext4', mountPoint: '/', uuid: 'abc' },
    ]);
    expect(parseLsblk('')).toEqual([]);
    expect(parseLsblk('lsblk: not found')).toEqual([]);
  });

  test('the script prints every section; a chroot without /proc or lsblk still parses', () => {
    const script = inspectionScript();
    expect(script).not.toContain('\n');
    for (const section of ['os-release', 'mounts', 'lsblk', 'boot', 'rsync', 'end']) expect(script).toContain(`@@rootcast:${section}`);
    const output = '@@rootcast:os-release\nID=testos\n@@rootcast:mounts\n@@rootcast:lsblk\n@@rootcast:boot\nvmlinuz-6.1.0\n@@rootcast:rsync\n/usr/bin/rsync\n@@rootcast:end\n';
    const parts = splitInspectionOutput(output);
    expect(parts).toBeDefined();
    expect(parseInspection(parts as Map<string, string>)).toEqual({ distro: { id: 'testos', idLike: [] }, kernels: ['6.1.0'], mounts: [], disks: [], rsyncPath: '/usr/bin/rsync' });
    expect(parseInspection(splitInspectionOutput(output.replace('/usr/bin/rsync\n', '')) as Map<string, string>).rsyncPath).toBeUndefined();
    expect(splitInspectionOutput('@@rootcast:os-release\nID=x\n')).toBeUndefined();
  });
});

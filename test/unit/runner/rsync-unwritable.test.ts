import { describe, expect, test } from 'vitest';
import { formatUnwritablePaths, parseUnwritablePaths } from '../../../src/runner/rsync-unwritable.js';

// Lines measured with rsync 3.2.7 (bookworm) and 3.5.0: chattr +i files, a read-only bind mount, --delay-updates or not.
const measured = [
  'rsync: [receiver] rename failed for "/h/etc/passwd" (from etc/.~tmp~/passwd): Operation not permitted (1)',
  'rsync: [generator] delete_file: unlink(etc/gone/x) failed: Operation not permitted (1)',
  'rsync: [generator] delete_file: rmdir(etc/empty) failed: Permission denied (13)',
  'rsync: [receiver] rename "/h/etc/.group.HTf462" -> "etc/group": Operation not permitted (1)',
  'rsync: [generator] recv_generator: mkdir "/h/ro/newdir" failed: Read-only file system (30)',
  '*** Skipping any contents from this failed directory ***',
  'rsync: [receiver] mkstemp "/h/ro/.a.jH7IVT" failed: Read-only file system (30)',
  'rsync: [generator] failed to set times on "/h/etc/motd": Operation not permitted (1)',
  // Not a refusal: left to the stderr lines.
  'rsync: [receiver] rsync_xal_set: lsetxattr("/h/etc/x","security.ima") failed: Operation not supported (95)',
  'rsync error: some files/attrs were not transferred (see previous errors) (code 23) at main.c(1347) [sender=3.2.7]',
].join('\n');

describe('parseUnwritablePaths', () => {
  test('every refused path as the target sees it: no destination prefix, no .~tmp~, no temporary name', () => {
    expect(parseUnwritablePaths(measured, '/h/').map((entry) => entry.path)).toEqual(['/etc/passwd', '/etc/gone/x', '/etc/empty', '/etc/group', '/ro/newdir', '/ro/a', '/etc/motd']);
    expect(parseUnwritablePaths(measured, '/h')[4]).toEqual({ path: '/ro/newdir', reason: 'Read-only file system' });
  });

  test('the running system (destination /), rsync 3.1 without [role], staging paths, each path once', () => {
    const lines = [
      'rsync: rename "/etc/.~tmp~/passwd" -> "etc/.~tmp~/passwd": Operation not permitted (1)',
      'rsync: rename failed for "/etc/passwd" (from etc/.~tmp~/passwd): Operation not permitted (1)',
      'rsync: delete_file: unlink(usr/lib/libx.so) failed: Operation not permitted (1)',
    ].join('\n');
    expect(parseUnwritablePaths(lines, '/')).toEqual([{ path: '/etc/passwd', reason: 'Operation not permitted' }, { path: '/usr/lib/libx.so', reason: 'Operation not permitted' }]);
  });

  test('other failures name nothing', () => {
    expect(parseUnwritablePaths('rsync: [receiver] write failed on "/h/x": No space left on device (28)\nrsync error: (code 23)', '/h')).toEqual([]);
    expect(parseUnwritablePaths('', '/')).toEqual([]);
    // The server's side could not read a file (measured by review): not the target refusing anything.
    expect(parseUnwritablePaths('rsync: [sender] send_files failed to open "/srv/images/web/2/root/etc/shadow": Permission denied (13)', '/')).toEqual([]);
  });

  test('a long list is cut after the first ten', () => {
    const many = Array.from({ length: 12 }, (_, index) => ({ path: `/etc/f${index}`, reason: 'Operation not permitted' }));
    expect(formatUnwritablePaths(many)).toMatch(/^\/etc\/f0 \(Operation not permitted\), .*\/etc\/f9 \(Operation not permitted\) and 2 more$/);
  });
});

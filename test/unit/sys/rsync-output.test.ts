import { describe, expect, test } from 'vitest';
import { parseMissingListedPaths, reportsOnlyVanishedFiles } from '../../../src/sys/rsync-output.js';

const bytes = (text: string): Buffer => Buffer.from(text);

describe('paths listed on stdin that are gone', () => {
  const missing = 'rsync: [sender] link_stat "/srv/roots/web/var/log/a\\#012b" failed: No such file or directory (2)';
  const exit23 = 'rsync error: some files/attrs were not transferred (see previous errors) (code 23) at main.c(1394) [sender=3.5.0]';

  test('are named, and make an exit 23 vanished-only only for a command that was given the paths', () => {
    expect(parseMissingListedPaths(`${missing}\n${exit23}\n`)).toEqual([bytes('/srv/roots/web/var/log/a\nb')]);
    expect(parseMissingListedPaths('rsync: [sender] link_stat "/x" failed: Permission denied (13)\n')).toEqual([]);
    expect(reportsOnlyVanishedFiles(`${missing}\n${exit23}\n`, { listedPaths: true })).toBe(true);
    expect(reportsOnlyVanishedFiles(`${missing}\n${exit23}\n`)).toBe(false);
  });
});

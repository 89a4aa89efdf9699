import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { dataTrees, planDataProtection } from '../../../src/update/update-excludes.js';

const put = (root: string, path: string, content: string): void => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
};

describe('the data trees an update protects, as the real rsync applies the rules', () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'rootcast-data-protection-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  /** The image pass's receiver side: --delete with the planned rules, then the instructions' image filters. */
  const sync = (image: string, host: string, imageFilters: string[]): void => {
    const whiteouts = imageFilters.filter((rule) => rule.startsWith('H ')).map((rule) => rule.slice(2));
    const rules = [...planDataProtection(whiteouts), ...imageFilters];
    execFileSync('rsync', ['-a', '--delete', '--delay-updates', '--delete-delay', ...rules.map((rule) => `--filter=${rule}`), `${image}/`, `${host}/`]);
  };

  test('what the image lacks in a data tree stays; package databases and whiteouts still delete; elsewhere --delete as before', () => {
    const image = join(work, 'image');
    const host = join(work, 'host');
    for (const root of [image, host]) {
      put(root, 'opt/app/bin', `app of the ${root === image ? 'new' : 'previous'} image\n`);
      put(root, 'var/lib/dpkg/status', root === image ? 'new status\n' : 'older status\n');
      put(root, 'srv/site/index.html', 'site\n');
    }
    // On the host only: its own data in each data tree, a package the new image removed, a file a layer whites out.
    const hostData = ['srv/uploads/photo.jpg', 'opt/local-tool/run', 'var/opt/vendor/state', 'var/www/html/index.html', 'var/lib/localsvc/db', 'var/backups/passwd.bak', 'usr/local/bin/site-script'];
    for (const path of hostData) put(host, path, `host's ${path}\n`);
    put(host, 'var/lib/dpkg/info/removed.list', 'gone with the package\n');
    put(host, 'var/lib/initramfs-tools/6.1.0-9-amd64', 'kernel the image removed\n');
    put(host, 'srv/site/retired.html', 'a layer whites this out\n');
    put(host, 'opt/retired/bin', 'a layer whites this directory out\n');
    put(image, 'srv/site/retired.html', 'still in the image\n');
    put(image, 'opt/retired/bin', 'still in the image\n');
    put(host, 'etc/stale.conf', 'not in the image, not in a data tree\n');

    sync(image, host, ['H /srv/site/retired.html', 'H /opt/retired']);

    for (const path of hostData) expect(readFileSync(join(host, path), 'utf8'), path).toBe(`host's ${path}\n`);
    expect(readFileSync(join(host, 'opt/app/bin'), 'utf8')).toBe('app of the new image\n');
    expect(readFileSync(join(host, 'var/lib/dpkg/status'), 'utf8')).toBe('new status\n');
    for (const gone of ['var/lib/dpkg/info/removed.list', 'var/lib/initramfs-tools/6.1.0-9-amd64', 'srv/site/retired.html', 'opt/retired', 'etc/stale.conf']) {
      expect(existsSync(join(host, gone)), gone).toBe(false);
    }
  });

  test('the rules: whiteouts and package databases may delete, then every data tree is protected', () => {
    const rules = planDataProtection(['/etc/gone', '/srv/old']);
    expect(rules.slice(0, 2)).toEqual(['R /srv/old', 'R /srv/old/**']);
    expect(rules).toContain('R /var/lib/dpkg/**');
    expect(rules.slice(-dataTrees.length)).toEqual(dataTrees.map((tree) => `P ${tree}/**`));
    // Outside the data trees nothing is protected, so a removal there needs no rule.
    expect(rules.some((rule) => rule.includes('/etc/gone'))).toBe(false);
  });
});

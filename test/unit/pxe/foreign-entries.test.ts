import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { removeForeignEntries } from '../../../src/pxe/foreign-entries.js';

describe('the boot tree holds only directories and regular files', () => {
  let work: string;
  let tree: string;
  beforeEach(async () => {
    work = await mkdtemp(join(tmpdir(), 'rootcast-foreign-'));
    tree = join(work, 'pxe');
    await mkdir(join(tree, 'installers', 'debian12'), { recursive: true });
    await writeFile(join(tree, 'pxelinux.0'), 'loader');
    await writeFile(join(tree, 'installers', 'debian12', 'linux'), 'kernel');
    await writeFile(join(work, 'outside'), 'secret');
  });
  afterEach(() => rm(work, { recursive: true, force: true }));

  test('symlinks (to files, to directories, dangling) and FIFOs are removed and named; their targets and the rest stay', async () => {
    await symlink(join(work, 'outside'), join(tree, 'escape'));
    await symlink(work, join(tree, 'installers', 'up'));
    await symlink('/nonexistent', join(tree, 'installers', 'debian12', 'dangling'));
    await promisify(execFile)('mkfifo', [join(tree, 'pipe')]);
    const removed = await removeForeignEntries(tree);
    expect(removed.sort()).toEqual([
      `escape (a symlink to ${join(work, 'outside')})`,
      'installers/debian12/dangling (a symlink to /nonexistent)',
      `installers/up (a symlink to ${work})`,
      'pipe (a FIFO)',
    ]);
    expect((await readdir(tree)).sort()).toEqual(['installers', 'pxelinux.0']);
    expect(await readdir(join(tree, 'installers', 'debian12'))).toEqual(['linux']);
    expect(await readFile(join(work, 'outside'), 'utf8')).toBe('secret');
  });

  test('a clean tree is left alone; a tree that does not exist yet has nothing to remove', async () => {
    expect(await removeForeignEntries(tree)).toEqual([]);
    expect(await removeForeignEntries(join(work, 'missing'))).toEqual([]);
  });

  test('the tree\'s own directory may be a symlink (the admin put the tree elsewhere)', async () => {
    await symlink(tree, join(work, 'linked'));
    await symlink('/etc/passwd', join(tree, 'escape'));
    expect(await removeForeignEntries(join(work, 'linked'))).toEqual(['escape (a symlink to /etc/passwd)']);
    expect(await readFile(join(work, 'linked', 'pxelinux.0'), 'utf8')).toBe('loader');
  });
});

import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, rm, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { resolveHomePaths, type HomePaths } from '../../src/home/paths.js';
import { imageLayout } from '../../src/image/layout.js';
import { addVersion, inodeOf } from '../helpers/image-builder.js';
import { runInHome } from '../helpers/cli.js';

let paths: HomePaths;
let work: string;
const old = new Date('2020-01-01T00:00:00Z');

const put = async (root: string, path: string | Buffer, content: string): Promise<void> => {
  const full = typeof path === 'string' ? join(root, path) : Buffer.concat([Buffer.from(`${root}/`), path]);
  await writeFile(full, content);
  await utimes(full, old, old);
};

/** web@1 and web@2 differ in exactly eight objects, one of each kind the diff must see. */
beforeAll(async () => {
  paths = resolveHomePaths({ home: await mkdtemp(join(tmpdir(), 'rootcast-diff-')) });
  work = await mkdtemp(join(tmpdir(), 'rootcast-diff-src-'));
  const a = join(work, 'a');
  const b = join(work, 'b');
  for (const dir of ['etc/alternatives', 'usr/bin', 'srv', 'var']) await mkdir(join(a, dir), { recursive: true });
  await put(a, 'etc/hosts', '127.0.0.1 localhost\n');
  await put(a, 'etc/old.conf', 'going away\n');
  await put(a, 'etc/app.conf', 'color = blue\n');
  await put(a, 'usr/bin/tool', '#!/bin/sh\necho tool\n');
  await chmod(join(a, 'usr/bin/tool'), 0o755);
  await put(a, 'srv/data', 'payload\n');
  await symlink('/usr/bin/vi', join(a, 'etc/alternatives/editor'));
  await put(a, Buffer.from([0x76, 0x61, 0x72, 0x2f, 0x78, 0xff]), 'latin-1 name\n');
  await put(a, 'var/big.txt', Array.from({ length: 10_000 }, (_, i) => `line ${i} of the old file`).join('\n'));
  // Private content, the same in web@1..3 and changed in web@4: shadow, a key in a closed directory (0644 itself), a token.
  await mkdir(join(a, 'etc/letsencrypt/archive/example'), { recursive: true });
  await put(a, 'etc/shadow', 'root:$y$OLD-SHADOW-HASH:19000::::::\n');
  await chmod(join(a, 'etc/shadow'), 0o640);
  await put(a, 'etc/letsencrypt/archive/example/privkey1.pem', 'OLD-PRIVATE-KEY\n');
  await chmod(join(a, 'etc/letsencrypt/archive'), 0o700);
  await put(a, 'etc/api.token', 'OPEN-TOKEN\n');
  execFileSync('cp', ['-a', a, b]);
  await unlink(join(b, 'etc/old.conf'));
  await put(b, 'etc/new.conf', 'arrived\n');
  await writeFile(join(b, 'etc/app.conf'), 'color = pink\n'); // same size, new content, new mtime
  await chmod(join(b, 'usr/bin/tool'), 0o4755);
  await chown(join(b, 'srv/data'), 1234, 1234);
  await unlink(join(b, 'etc/alternatives/editor'));
  await symlink('/usr/bin/nano', join(b, 'etc/alternatives/editor'));
  await put(b, 'var/a\nb', 'newline in my name\n');
  await unlink(Buffer.from(`${b}/var/x\xff`, 'latin1'));
  await addVersion(paths, 'web', a);
  await addVersion(paths, 'web', b);
  // The fully rewritten big file lives in a third version so the exact-diff test stays small.
  await put(b, 'var/big.txt', Array.from({ length: 10_000 }, (_, i) => `completely different ${i * 7}`).join('\n'));
  await addVersion(paths, 'web', b);
  await put(b, 'etc/shadow', 'root:$y$NEW-SHADOW-HASH-LONGER:19001::::::\n');
  await put(b, 'etc/letsencrypt/archive/example/privkey1.pem', 'NEW-PRIVATE-KEY, longer\n');
  await put(b, 'etc/api.token', 'NEW-SECRET-TOKEN\n');
  await chmod(join(b, 'etc/api.token'), 0o600);
  await put(b, 'etc/app.conf', 'color = green\n');
  await addVersion(paths, 'web', b);
});

afterAll(async () => {
  await rm(paths.home, { recursive: true, force: true });
  await rm(work, { recursive: true, force: true });
});

describe('image diff', () => {
  test('reports exactly the eight differences, sorted by path, with the changed fields', async () => {
    const result = await runInHome(paths, ['image', 'diff', 'web@1', 'web@2']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      'M /etc/alternatives/editor target /usr/bin/vi→/usr/bin/nano',
      'M /etc/app.conf content',
      'A /etc/new.conf',
      'D /etc/old.conf',
      'M /srv/data uid 0→1234 gid 0→1234',
      'M /usr/bin/tool mode 0755→4755',
      'A /var/a\\nb',
      'D /var/x\\xff',
      'web@1 → web@2: 2 added, 2 removed, 4 changed',
      '',
    ]);
  });

  test('unchanged files are hard links shared by both versions (same inode, never read)', async () => {
    const layout = imageLayout(paths);
    expect(await inodeOf(join(layout.versionRoot('web', 1), 'etc/hosts'))).toBe(await inodeOf(join(layout.versionRoot('web', 2), 'etc/hosts')));
  });

  test('--json gives the same changes as data', async () => {
    const result = await runInHome(paths, ['--json', 'image', 'diff', 'web@1', 'web@2']);
    const report = JSON.parse(result.stdout);
    expect(report.summary).toEqual({ added: 2, removed: 2, changed: 4 });
    expect(report.changes.map((c: { change: string; path: string }) => `${c.change} ${c.path}`)).toEqual([
      'changed /etc/alternatives/editor',
      'changed /etc/app.conf',
      'added /etc/new.conf',
      'removed /etc/old.conf',
      'changed /srv/data',
      'changed /usr/bin/tool',
      'added /var/a\\nb',
      'removed /var/x\\xff',
    ]);
    const tool = report.changes.find((c: { path: string }) => c.path === '/usr/bin/tool');
    expect(tool).toEqual({ change: 'changed', path: '/usr/bin/tool', type: 'file', fields: [{ field: 'mode', from: '0755', to: '4755' }] });
  });

  test('--text adds a unified diff of the changed text file', async () => {
    const result = await runInHome(paths, ['image', 'diff', 'web@1', 'web@2', '--text']);
    expect(result.stdout).toContain('--- a/etc/app.conf');
    expect(result.stdout).toContain('+++ b/etc/app.conf');
    expect(result.stdout).toContain('-color = blue');
    expect(result.stdout).toContain('+color = pink');
  });

  test('a fully rewritten 10,000-line file does not hang --text: it is reported as too different', async () => {
    const result = await runInHome(paths, ['image', 'diff', 'web@2', 'web@3', '--text']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('M /var/big.txt size');
    expect(result.stdout).toContain('--- /var/big.txt: too different to diff');
  });

  test('--text names private files and never shows their content: not world-readable on either side, or below a closed directory', async () => {
    const result = await runInHome(paths, ['image', 'diff', 'web@3', 'web@4', '--text']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('--- /etc/shadow: not shown: readable by its owner/group only (mode 0640)\n');
    expect(result.stdout).toContain('--- /etc/api.token: not shown: readable by its owner/group only (mode 0644→0600)\n');
    expect(result.stdout).toContain('--- /etc/letsencrypt/archive/example/privkey1.pem: not shown: below /etc/letsencrypt/archive/ (mode 0700), which only its owner/group may enter\n');
    // A world-readable file beside them is still diffed.
    expect(result.stdout).toContain('-color = pink\n+color = green');
    const json = await runInHome(paths, ['--json', 'image', 'diff', 'web@3', 'web@4', '--text']);
    const report = JSON.parse(json.stdout) as { text: { path: string; skipped?: string; patch?: string }[] };
    expect(report.text.filter((entry) => entry.skipped?.startsWith('not shown:')).map((entry) => entry.path)).toEqual(['/etc/api.token', '/etc/letsencrypt/archive/example/privkey1.pem', '/etc/shadow']);
    for (const output of [result.stdout, json.stdout]) expect(output).not.toMatch(/SHADOW-HASH|PRIVATE-KEY|TOKEN/);
  });

  test('a version compared with itself is identical', async () => {
    const result = await runInHome(paths, ['image', 'diff', 'web@2', 'web@2']);
    expect(result.stdout).toBe('web@2 and web@2 are identical\n');
  });
});

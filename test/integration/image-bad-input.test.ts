import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { resolveHomePaths, type HomePaths } from '../../src/home/paths.js';
import { imageLayout } from '../../src/image/layout.js';
import { addVersion, recordDeployment } from '../helpers/image-builder.js';
import { snapshotTree } from '../helpers/tree-snapshot.js';
import { runInHome } from '../helpers/cli.js';

let paths: HomePaths;
let source: string;

// One store for every case: each case must leave it exactly as it found it.
beforeAll(async () => {
  paths = resolveHomePaths({ home: await mkdtemp(join(tmpdir(), 'rootcast-bad-')) });
  source = await mkdtemp(join(tmpdir(), 'rootcast-bad-src-'));
  await mkdir(join(source, 'etc'));
  await writeFile(join(source, 'etc/motd'), 'hello\n');
  await addVersion(paths, 'web', source);
  await addVersion(paths, 'web', source);
  await addVersion(paths, 'db', source);
  await writeFile(imageLayout(paths).tagsFile('web'), JSON.stringify({ stable: 1 }));
  await recordDeployment(paths, 'web01', 'web', 2);
});

afterAll(async () => {
  await rm(paths.home, { recursive: true, force: true });
  await rm(source, { recursive: true, force: true });
});

interface BadCase {
  args: string[];
  status: number;
  code: string;
  message: string;
}

const cases: BadCase[] = [
  { args: ['image', 'show', 'nosuch'], status: 66, code: 'NOT_FOUND', message: 'image "nosuch" does not exist' },
  { args: ['image', 'show', 'web@9'], status: 66, code: 'NOT_FOUND', message: 'web@9 does not exist' },
  { args: ['image', 'show', 'web@nosuchtag'], status: 66, code: 'NOT_FOUND', message: 'image "web" has no tag "nosuchtag"' },
  { args: ['image', 'show', '../x'], status: 64, code: 'USAGE', message: 'image name "../x"' },
  { args: ['image', 'show', 'a/b'], status: 64, code: 'USAGE', message: 'image name "a/b" contains "/"' },
  { args: ['image', 'show', 'web@0'], status: 64, code: 'USAGE', message: '"web@0": versions are whole numbers from 1' },
  { args: ['image', 'show', 'web@'], status: 64, code: 'USAGE', message: '"web@": nothing after "@"' },
  { args: ['image', 'show', 'web:2'], status: 64, code: 'USAGE', message: '"web:2" is not an image reference: a version or tag follows "@" (web@2), not ":"' },
  { args: ['image', 'tag', 'web:stable', 'prod'], status: 64, code: 'USAGE', message: '"web:stable" is not an image reference' },
  { args: ['image', 'list', 'nosuch'], status: 66, code: 'NOT_FOUND', message: 'image "nosuch" does not exist' },
  { args: ['image', 'diff', 'web@1', 'nosuch@1'], status: 66, code: 'NOT_FOUND', message: 'image "nosuch" does not exist' },
  { args: ['image', 'tag', 'web@1', 'latest'], status: 64, code: 'USAGE', message: 'tag "latest" is not a valid tag name' },
  { args: ['image', 'tag', 'web@7', 'stable'], status: 66, code: 'NOT_FOUND', message: 'web@7 does not exist' },
  { args: ['image', 'tag', '--delete', 'web', 'nosuchtag'], status: 66, code: 'NOT_FOUND', message: 'image "web" has no tag "nosuchtag"' },
  // Names of Object.prototype members are not tags just because every object inherits them.
  { args: ['image', 'tag', '--delete', 'web', 'constructor'], status: 66, code: 'NOT_FOUND', message: 'image "web" has no tag "constructor"' },
  { args: ['image', 'tag', '--delete', 'web', '__proto__'], status: 66, code: 'NOT_FOUND', message: 'image "web" has no tag "__proto__"' },
  { args: ['image', 'tag', '--delete', 'web', 'hasOwnProperty'], status: 66, code: 'NOT_FOUND', message: 'image "web" has no tag "hasOwnProperty"' },
  { args: ['image', 'show', 'web@constructor'], status: 66, code: 'NOT_FOUND', message: 'image "web" has no tag "constructor"' },
  { args: ['image', 'tag', '--delete', 'web@1', 'stable'], status: 64, code: 'USAGE', message: '"web@1": --delete takes an image name' },
  { args: ['image', 'cp', 'web@1', 'db'], status: 65, code: 'ALREADY_EXISTS', message: 'image "db" already exists' },
  { args: ['image', 'cp', 'web@1', 'Bad Name'], status: 64, code: 'USAGE', message: 'image name "Bad Name"' },
  { args: ['image', 'cp', 'nosuch@1', 'fresh'], status: 66, code: 'NOT_FOUND', message: 'image "nosuch" does not exist' },
  { args: ['image', 'mv', 'web', 'db'], status: 65, code: 'ALREADY_EXISTS', message: 'image "db" already exists' },
  { args: ['image', 'mv', 'nosuch', 'fresh'], status: 66, code: 'NOT_FOUND', message: 'image "nosuch" does not exist' },
  { args: ['image', 'mv', 'web', 'web'], status: 64, code: 'USAGE', message: 'image "web" cannot be renamed to itself' },
  { args: ['image', 'prune', 'web', '--keep=-1'], status: 64, code: 'USAGE', message: '--keep "-1" is not a whole number' },
  { args: ['image', 'prune', 'web', '--keep', '-1'], status: 64, code: 'USAGE', message: '--keep "-1" is not a whole number' },
  { args: ['image', 'prune', 'web', '--keep', 'abc'], status: 64, code: 'USAGE', message: '--keep "abc" is not a whole number' },
  { args: ['image', 'prune', 'nosuch', '--keep', '2'], status: 66, code: 'NOT_FOUND', message: 'image "nosuch" does not exist' },
  { args: ['image', 'rm', 'web@stable'], status: 65, code: 'IN_USE', message: 'web@1 is in use (tagged stable)' },
  { args: ['image', 'rm', 'web@2'], status: 65, code: 'IN_USE', message: 'web@2 is in use (deployed on web01)' },
  { args: ['image', 'rm', 'web', '--all'], status: 65, code: 'IN_USE', message: 'image "web" is in use' },
  { args: ['image', 'rm', 'web'], status: 64, code: 'USAGE', message: '"web" names the whole image "web"' },
  { args: ['image', 'rm', 'web@2', '--all'], status: 64, code: 'USAGE', message: '--all removes a whole image; "web@2" names one version' },
  { args: ['image', 'rm', 'web@5'], status: 66, code: 'NOT_FOUND', message: 'web@5 does not exist' },
  { args: ['image', 'shell', 'nosuch', '--command', 'true'], status: 66, code: 'NOT_FOUND', message: 'image "nosuch" does not exist' },
  { args: ['image', 'shell', 'web@x/y', '--command', 'true'], status: 64, code: 'USAGE', message: 'tag "x/y" is not a valid tag name' },
];

describe('bad input to image verbs: a clear error, the right status, and nothing changed', () => {
  test.each(cases)('$args → $status $code', async ({ args, status, code, message }) => {
    const before = snapshotTree(paths.home);
    const text = await runInHome(paths, args);
    expect(text.status).toBe(status);
    expect(text.stderr).toContain(`rootcast: error [${code}]: ${message}`);
    expect(text.stdout).toBe('');
    const json = await runInHome(paths, ['--json', ...args]);
    expect(json.status).toBe(status);
    expect(JSON.parse(json.stderr).error).toMatchObject({ code, exitStatus: status });
    expect(snapshotTree(paths.home)).toEqual(before);
  });

  test('a ref written with ":" (web:2) suggests web@2', async () => {
    expect((await runInHome(paths, ['image', 'show', 'web:2'])).stderr).toContain('\n  did you mean web@2?');
    expect((await runInHome(paths, ['image', 'cp', 'web:stable', 'fresh'])).stderr).toContain('\n  did you mean web@stable?');
    // Not a name before the ":": the plain name error stays.
    expect((await runInHome(paths, ['image', 'show', 'a/b:2'])).stderr).toContain('image name "a/b:2" contains "/"');
  });
});

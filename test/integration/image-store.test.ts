import { mkdtemp, mkdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { HomePaths } from '../../src/home/paths.js';
import { imageLayout } from '../../src/image/layout.js';
import { lockImage, withImageLock } from '../../src/image/lock.js';
import { applyRemovalLocked, planRemove } from '../../src/image/remove.js';
import { applyTag, planTagSet } from '../../src/image/tag.js';
import { listImages, resolveImageRef } from '../../src/image/versions.js';
import { addVersion, inodeOf, minimalManifest, namesIn, recordDeployment } from '../helpers/image-builder.js';
import { snapshotTree } from '../helpers/tree-snapshot.js';
import { runInHome } from '../helpers/cli.js';

let paths: HomePaths;
let source: string;
const layout = () => imageLayout(paths);

/** web@1..3, each differing from the last in one file; tag stable → 2. */
const buildWeb = async (): Promise<void> => {
  await mkdir(join(source, 'etc'), { recursive: true });
  await writeFile(join(source, 'etc/hosts'), '127.0.0.1 localhost\n');
  for (const round of [1, 2, 3]) {
    await writeFile(join(source, 'etc/motd'), `round ${round}\n`);
    // rsync's quick check trusts size+mtime; same-size edits within one clock tick need distinct mtimes.
    await utimes(join(source, 'etc/motd'), 1_700_000_000 + round, 1_700_000_000 + round);
    await addVersion(paths, 'web', source, round === 3 ? { secrets: [{ path: '/root/.ssh/id_ed25519', kind: 'private-key', detail: 'OpenSSH private key' }] } : {});
  }
  await writeFile(layout().tagsFile('web'), JSON.stringify({ stable: 2 }));
};

beforeEach(async () => {
  const home = await mkdtemp(join(tmpdir(), 'rootcast-store-'));
  paths = { home, inventoryFile: join(home, 'rootcast.yaml'), imagesDir: join(home, 'images'), overridesDir: join(home, 'overrides'), stateDir: join(home, 'state') };
  source = await mkdtemp(join(tmpdir(), 'rootcast-src-'));
  await buildWeb();
});

afterEach(async () => {
  await rm(paths.home, { recursive: true, force: true });
  await rm(source, { recursive: true, force: true });
});

describe('reference resolution', () => {
  test('latest, a version number, a tag and @latest resolve to committed versions', async () => {
    expect((await resolveImageRef(paths, 'web')).version).toBe(3);
    expect((await resolveImageRef(paths, 'web@latest')).version).toBe(3);
    expect((await resolveImageRef(paths, 'web@1')).version).toBe(1);
    expect((await resolveImageRef(paths, 'web@stable')).version).toBe(2);
  });

  test('versions share unchanged files by hard link (link-dest), changed ones do not', async () => {
    expect(await inodeOf(join(layout().versionRoot('web', 1), 'etc/hosts'))).toBe(await inodeOf(join(layout().versionRoot('web', 3), 'etc/hosts')));
    expect(await inodeOf(join(layout().versionRoot('web', 1), 'etc/motd'))).not.toBe(await inodeOf(join(layout().versionRoot('web', 2), 'etc/motd')));
  });
});

describe('image list / show', () => {
  test('a crashed first capture (only a staging directory) is not an image, for listings or the inventory', async () => {
    await mkdir(join(imageLayout(paths).stagingDir('half'), '999999-dead', 'root'), { recursive: true });
    expect(await listImages(paths)).toEqual(['web']);
    await writeFile(paths.inventoryFile, 'groups:\n  g: {image: half}\n');
    const check = await runInHome(paths, ['inventory', 'check']);
    expect(check.status).toBe(65);
    expect(check.stderr).toContain('half');
  });

  test('list --json gives versions, latest, tags and the latest manifest figures', async () => {
    const result = await runInHome(paths, ['--json', 'image', 'list']);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      { image: 'web', versions: [1, 2, 3], latest: 3, tags: { stable: 2 }, sizeBytes: 3000, fileCount: 30, createdAt: minimalManifest('web', 3).createdAt },
    ]);
    const text = await runInHome(paths, ['image', 'list']);
    expect(text.stdout).toMatch(/^IMAGE\s+VERSIONS\s+LATEST\s+TAGS/);
    expect(text.stdout).toMatch(/web\s+3\s+@3\s+stable=@2/);
  });

  test('list NAME lists versions with tags and deployed hosts', async () => {
    await recordDeployment(paths, 'web01', 'web', 1);
    const result = await runInHome(paths, ['--json', 'image', 'list', 'web']);
    const rows = JSON.parse(result.stdout) as { ref: string; tags: string[]; deployedOn: string[]; secrets: number }[];
    expect(rows.map((r) => [r.ref, r.tags, r.deployedOn, r.secrets])).toEqual([
      ['web@1', [], ['web01'], 0],
      ['web@2', ['stable'], [], 0],
      ['web@3', [], [], 1],
    ]);
  });

  test('list of an empty or missing home is [] (text: says where it looked) and creates nothing', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'rootcast-empty-'));
    try {
      const result = await runInHome({ ...paths, home: empty }, ['--json', 'image', 'list']);
      expect(JSON.parse(result.stdout)).toEqual([]);
      const text = await runInHome({ ...paths, home: empty }, ['image', 'list']);
      expect(text.status).toBe(0);
      expect(text.stdout).toContain(`no images in ${join(empty, 'images')} (--home DIR or ROOTCAST_HOME choose another home)\n`);
      const missing = join(empty, 'not-created');
      const absent = await runInHome({ ...paths, home: missing }, ['image', 'list']);
      expect(absent.status).toBe(0);
      expect(absent.stdout).toContain(`no images in ${join(missing, 'images')} `);
      expect(JSON.parse((await runInHome({ ...paths, home: missing }, ['--json', 'image', 'list'])).stdout)).toEqual([]);
      expect(await namesIn(empty)).toEqual([]);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  test('show summarises the manifest, tags and hosts, and warns about recorded secrets', async () => {
    await recordDeployment(paths, 'web07', 'web', 3);
    const json = await runInHome(paths, ['--json', 'image', 'show', 'web']);
    expect(JSON.parse(json.stdout)).toMatchObject({ ref: 'web@3', version: 3, tags: [], deployedOn: ['web07'], manifest: { version: 3, parentVersion: 2 } });
    const stable = await runInHome(paths, ['image', 'show', 'web@stable']);
    expect(stable.stdout).toContain('web@2');
    expect(stable.stdout).toContain('tags:      stable');
    expect(stable.stdout).toContain('secrets:   none found');
    const text = await runInHome(paths, ['image', 'show', 'web@3']);
    expect(text.stdout).toContain('WARNING: 1 likely secret(s)');
    expect(text.stdout).toContain('/root/.ssh/id_ed25519 (private-key');
    expect(text.stdout).toContain('deployed:  web07');
  });
});

describe('image tag', () => {
  test('creates, moves (printing old → new) and deletes a tag; tags.json stays valid JSON', async () => {
    const created = await runInHome(paths, ['image', 'tag', 'web@1', 'canary']);
    expect(created).toMatchObject({ status: 0, stdout: 'tagged web@1 as canary (new tag)\n' });
    const moved = await runInHome(paths, ['image', 'tag', 'web@3', 'stable']);
    expect(moved.stdout).toBe('tag web@stable: 2 → 3\n');
    expect(JSON.parse(await readFile(layout().tagsFile('web'), 'utf8'))).toEqual({ canary: 1, stable: 3 });
    const deleted = await runInHome(paths, ['image', 'tag', '--delete', 'web', 'canary']);
    expect(deleted.stdout).toBe('deleted tag web@canary (was web@1)\n');
    expect(JSON.parse(await readFile(layout().tagsFile('web'), 'utf8'))).toEqual({ stable: 3 });
    expect(await namesIn(layout().imageDir('web'))).toEqual(['.staging', '1', '2', '3', 'tags.json']);
  });

  test('a tag named like an Object.prototype member is an ordinary new tag', async () => {
    const created = await runInHome(paths, ['image', 'tag', 'web@1', 'constructor']);
    expect(created).toMatchObject({ status: 0, stdout: 'tagged web@1 as constructor (new tag)\n' });
    expect((await resolveImageRef(paths, 'web@constructor')).version).toBe(1);
    const deleted = await runInHome(paths, ['image', 'tag', '--delete', 'web', 'constructor']);
    expect(deleted.stdout).toBe('deleted tag web@constructor (was web@1)\n');
    expect(JSON.parse(await readFile(layout().tagsFile('web'), 'utf8'))).toEqual({ stable: 2 });
  });

  test('a "__proto__" key in tags.json is an own key: deleting it touches only that key', async () => {
    await writeFile(layout().tagsFile('web'), '{"__proto__": 1, "stable": 2}');
    const deleted = await runInHome(paths, ['image', 'tag', '--delete', 'web', '__proto__']);
    expect(deleted).toMatchObject({ status: 0, stdout: 'deleted tag web@__proto__ (was web@1)\n' });
    expect(await readFile(layout().tagsFile('web'), 'utf8')).toBe('{\n  "stable": 2\n}\n');
  });

  test('--dry-run changes nothing', async () => {
    const before = snapshotTree(paths.home);
    const result = await runInHome(paths, ['image', 'tag', 'web@3', 'stable', '--dry-run']);
    expect(result.stdout).toBe('dry-run: tag web@stable: 2 → 3\n');
    expect(snapshotTree(paths.home)).toEqual(before);
  });
});

describe('image rm', () => {
  test('removes one untagged version and nothing else', async () => {
    const result = await runInHome(paths, ['image', 'rm', 'web@1']);
    expect(result).toMatchObject({ status: 0, stdout: 'removed web@1\n' });
    expect(await namesIn(layout().imageDir('web'))).toEqual(['.staging', '2', '3', 'tags.json']);
    expect(await namesIn(layout().stagingDir('web'))).toEqual([]);
    expect(await readFile(join(layout().versionRoot('web', 2), 'etc/hosts'), 'utf8')).toBe('127.0.0.1 localhost\n');
  });

  test('a tagged version needs --force, which drops the tag', async () => {
    const refused = await runInHome(paths, ['image', 'rm', 'web@stable']);
    expect(refused.status).toBe(65);
    expect(refused.stderr).toContain('[IN_USE]: web@2 is in use (tagged stable)');
    const forced = await runInHome(paths, ['image', 'rm', 'web@stable', '--force']);
    expect(forced.status).toBe(0);
    expect(forced.stdout).toContain('dropped tags: stable');
    expect(JSON.parse(await readFile(layout().tagsFile('web'), 'utf8'))).toEqual({});
    expect(await namesIn(layout().imageDir('web'))).toEqual(['.staging', '1', '3', 'tags.json']);
  });

  test('a deployed version is IN_USE naming the host', async () => {
    await recordDeployment(paths, 'web01', 'web', 3);
    const before = snapshotTree(paths.home);
    const refused = await runInHome(paths, ['image', 'rm', 'web@3']);
    expect(refused.status).toBe(65);
    expect(refused.stderr).toContain('deployed on web01');
    expect(snapshotTree(paths.home)).toEqual(before);
  });

  test('the whole image goes only with --all (and --force while tagged)', async () => {
    const usage = await runInHome(paths, ['image', 'rm', 'web']);
    expect(usage.status).toBe(64);
    expect(usage.stderr).toContain('"web" names the whole image "web"');
    expect(usage.stderr).toContain('--all');
    const dry = await runInHome(paths, ['image', 'rm', 'web', '--all', '--force', '--dry-run']);
    expect(dry.stdout).toContain('dry-run: would remove image web (versions 1, 2, 3)');
    expect(await namesIn(paths.imagesDir)).toEqual(['web']);
    const removed = await runInHome(paths, ['image', 'rm', 'web', '--all', '--force']);
    expect(removed.status).toBe(0);
    expect(await namesIn(paths.imagesDir)).toEqual([]);
  });
});

describe('image rm: what is reported, and what a dead remover left', () => {
  test('the applied plan is re-made under the lock and returned: a tag set after planning is dropped and reported', async () => {
    const planned = await planRemove(paths, 'web@1', {});
    expect(planned.dropTags).toEqual([]);
    expect((await runInHome(paths, ['image', 'tag', 'web@1', 'canary'])).status).toBe(0);
    await expect(applyRemovalLocked(paths, planned, false)).rejects.toMatchObject({ code: 'IN_USE' });
    expect(await namesIn(layout().imageDir('web'))).toContain('1');
    const applied = await applyRemovalLocked(paths, planned, true);
    expect(applied).toMatchObject({ image: 'web', whole: false, versions: [1], dropTags: ['canary'] });
    expect(JSON.parse(await readFile(layout().tagsFile('web'), 'utf8'))).toEqual({ stable: 2 });
  });

  test('a version removed by another run since planning is NOT_FOUND, not an internal error', async () => {
    const planned = await planRemove(paths, 'web@1', {});
    expect((await runInHome(paths, ['image', 'rm', 'web@1'])).status).toBe(0);
    await expect(applyRemovalLocked(paths, planned, false)).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'web@1 does not exist any more' });
  });

  test('trash of a remover that died between rename and delete is removed by the next rm, prune or commit; a live one is left', async () => {
    // 2147483646: above pid_max, so never a live process.
    const plantTrash = async (): Promise<{ dead: string; live: string }> => {
      const dead = join(paths.imagesDir, '.trash-2147483646-old-0a1b2c3d');
      const live = join(paths.imagesDir, `.trash-${process.pid}-busy-0a1b2c3d`);
      for (const dir of [dead, live]) {
        await mkdir(join(dir, '1/root/etc'), { recursive: true });
        await writeFile(join(dir, '1/root/etc/motd'), 'old\n');
      }
      return { dead, live };
    };
    const afterRm = await plantTrash();
    expect((await runInHome(paths, ['image', 'rm', 'web@1'])).status).toBe(0);
    expect(await namesIn(paths.imagesDir)).toEqual([`.trash-${process.pid}-busy-0a1b2c3d`, 'web']);
    await rm(afterRm.live, { recursive: true });

    await plantTrash();
    expect((await runInHome(paths, ['image', 'prune', 'web', '--keep', '5'])).status).toBe(0);
    expect(await namesIn(paths.imagesDir)).toEqual([`.trash-${process.pid}-busy-0a1b2c3d`, 'web']);

    await plantTrash();
    expect((await runInHome(paths, ['image', 'cp', 'web@3', 'copy'])).status).toBe(0);
    expect(await namesIn(paths.imagesDir)).toEqual([`.trash-${process.pid}-busy-0a1b2c3d`, 'copy', 'web']);
  });
});

describe('image cp / mv', () => {
  test('cp makes version 1 of a new image sharing every file inode with the source', async () => {
    const result = await runInHome(paths, ['image', 'cp', 'web@stable', 'web-copy']);
    expect(result).toMatchObject({ status: 0, stdout: 'copied web@2 → web-copy@1 (files hard-linked)\n' });
    for (const file of ['etc/hosts', 'etc/motd']) {
      expect(await inodeOf(join(layout().versionRoot('web-copy', 1), file))).toBe(await inodeOf(join(layout().versionRoot('web', 2), file)));
    }
    const manifest = JSON.parse(await readFile(layout().manifestFile('web-copy', 1), 'utf8'));
    expect(manifest).toMatchObject({ image: 'web-copy', version: 1, source: { kind: 'copy', from: 'web@2' } });
    expect(manifest.parentVersion).toBeUndefined();
    expect(await namesIn(layout().imageDir('web-copy'))).toEqual(['.staging', '1']);
  });

  test('mv renames the image with its versions and tags, leaving no lock behind', async () => {
    const result = await runInHome(paths, ['image', 'mv', 'web', 'www']);
    expect(result).toMatchObject({ status: 0, stdout: 'renamed image web → www (3 version(s))\n' });
    expect(await namesIn(paths.imagesDir)).toEqual(['www']);
    expect(await namesIn(layout().imageDir('www'))).toEqual(['.staging', '1', '2', '3', 'tags.json']);
    expect((await resolveImageRef(paths, 'www@stable')).version).toBe(2);
  });

  test('mv locks the new name too: while a writer holds it, mv is LOCKED (75) and moves nothing', async () => {
    const lock = await lockImage(paths, 'www');
    try {
      const before = snapshotTree(layout().imageDir('web'));
      const refused = await runInHome(paths, ['image', 'mv', 'web', 'www']);
      expect(refused.status).toBe(75);
      expect(refused.stderr).toContain('[LOCKED]: image "www" is being changed by process');
      expect(snapshotTree(layout().imageDir('web'))).toEqual(before);
    } finally {
      await lock.release();
    }
    expect(await namesIn(paths.imagesDir)).toEqual(['web']);
  });

  test('after mv, a writer that planned against the old name fails and leaves no empty image behind', async () => {
    const plan = await planTagSet(paths, 'web@1', 'canary');
    expect((await runInHome(paths, ['image', 'mv', 'web', 'www'])).status).toBe(0);
    await expect(applyTag(paths, plan)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await withImageLock(paths, 'web', async () => undefined);
    expect(await listImages(paths)).toEqual(['www']);
    expect(await namesIn(paths.imagesDir)).toEqual(['www']);
    expect(JSON.parse(await readFile(layout().tagsFile('www'), 'utf8'))).toEqual({ stable: 2 });
  });

  test('mv of a deployed image needs --force', async () => {
    await recordDeployment(paths, 'web01', 'web', 2);
    const refused = await runInHome(paths, ['image', 'mv', 'web', 'www']);
    expect(refused.status).toBe(65);
    expect(refused.stderr).toContain('image "web" is in use: deployed on web01');
    expect((await runInHome(paths, ['image', 'mv', 'web', 'www', '--force'])).status).toBe(0);
  });
});

describe('image prune', () => {
  test('keeps the newest N plus tagged and deployed versions; --dry-run changes nothing', async () => {
    await writeFile(join(source, 'etc/motd'), 'round 4\n');
    await utimes(join(source, 'etc/motd'), 1_700_000_004, 1_700_000_004);
    await addVersion(paths, 'web', source);
    await addVersion(paths, 'web', source);
    await recordDeployment(paths, 'db01', 'web', 1);
    const before = snapshotTree(paths.home);
    const dry = await runInHome(paths, ['image', 'prune', 'web', '--keep', '2', '--dry-run']);
    expect(dry.status).toBe(0);
    expect(dry.stdout.split('\n')).toEqual([
      'keep    web@1  (deployed on db01)',
      'keep    web@2  (tagged stable)',
      'remove  web@3  (older than the newest 2)',
      'keep    web@4  (one of the newest 2)',
      'keep    web@5  (one of the newest 2)',
      'dry-run: would remove 1 version(s)',
      '',
    ]);
    expect(snapshotTree(paths.home)).toEqual(before);
    const real = await runInHome(paths, ['--json', 'image', 'prune', 'web', '--keep', '2']);
    expect(JSON.parse(real.stdout).removal.versions).toEqual([3]);
    expect(await namesIn(layout().imageDir('web'))).toEqual(['.staging', '1', '2', '4', '5', 'tags.json']);
    // web@4 hard-linked its unchanged files to web@3; removing web@3 must leave them intact.
    expect(await readFile(join(layout().versionRoot('web', 4), 'etc/hosts'), 'utf8')).toBe('127.0.0.1 localhost\n');
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { HomePaths } from '../../src/home/paths.js';
import { emptyHostRecord, recordDeployStarting, recordDone } from '../../src/state/host-record.js';
import { writeHostRecord } from '../../src/state/host-record-store.js';
import { runBinary, type CliRun } from '../helpers/cli.js';
import { addVersion, makeTempHome, namesIn, removeHome } from '../helpers/image-builder.js';
import { snapshotTree } from '../helpers/tree-snapshot.js';

const web = (version: number) => ({ image: 'web', version, ref: `web@${version}` });
const at = (minute: number): Date => new Date(Date.UTC(2025, 0, 1, 0, minute));

describe('image verbs and the hosts that hold versions (the built binary)', () => {
  let paths: HomePaths;
  let source: string;
  const run = (...argv: string[]): Promise<CliRun> => runBinary(['--home', paths.home, ...argv], { ROOTCAST_HOME: '' });

  beforeEach(async () => {
    paths = await makeTempHome('rootcast-image-bin-');
    source = await mkdtemp(join(tmpdir(), 'rootcast-image-src-'));
    for (let version = 1; version <= 4; version += 1) {
      await writeFile(join(source, 'motd'), `version ${version}\n`);
      await addVersion(paths, 'web', source);
    }
    // web01 ran web@1 and runs web@2 (web@1 is its rollback target); serve handed web@3 to web02, not done yet.
    const installed = recordDone(recordDeployStarting(emptyHostRecord('web01'), web(1), 1, at(0)), 1, at(1));
    await writeHostRecord(paths, recordDone(recordDeployStarting(installed, web(2), 1, at(2), undefined, 'update'), 1, at(3), 'host'));
    await writeHostRecord(paths, recordDeployStarting(emptyHostRecord('web02'), web(3), 1, at(4)));
  });
  afterEach(async () => {
    await removeHome(paths);
    await rm(source, { recursive: true, force: true });
  });

  test('image show and image list say deployed, deploying and kept for rollback apart', async () => {
    expect((await run('image', 'show', 'web@2')).stdout).toContain('\n  deployed:  web01\n  secrets:');
    const deploying = await run('image', 'show', 'web@3');
    expect(deploying.stdout).toContain('\n  deployed:  nowhere\n  deploying: web02 (handed out by serve, not done yet)\n');
    const rollback = await run('image', 'show', 'web@1');
    expect(rollback.stdout).toContain('\n  deployed:  nowhere\n  rollback:  web01 (kept for rollback: the version they ran before)\n');
    expect(JSON.parse((await run('--json', 'image', 'show', 'web@1')).stdout)).toMatchObject({ ref: 'web@1', deployedOn: [], deployingOn: [], rollbackFor: ['web01'] });
    expect(JSON.parse((await run('--json', 'image', 'show', 'web@3')).stdout)).toMatchObject({ deployedOn: [], deployingOn: ['web02'], rollbackFor: [] });

    const list = await run('image', 'list', 'web');
    expect(list.status).toBe(0);
    const [header = '', ...lines] = list.stdout.split('\n');
    expect(header).toMatch(/^VERSION\s+CREATED\s+SIZE\s+FILES\s+TAGS\s+DEPLOYED\s+SOURCE$/);
    const deployedColumn = (ref: string): string | undefined => lines.find((line) => line.startsWith(`${ref} `))?.slice(header.indexOf('DEPLOYED'), header.indexOf('SOURCE')).trim();
    expect(['web@1', 'web@2', 'web@3', 'web@4'].map(deployedColumn)).toEqual(['rollback web01', 'web01', 'deploying web02', '-']);
    const rows = JSON.parse((await run('--json', 'image', 'list', 'web')).stdout) as { ref: string; deployedOn: string[]; deployingOn: string[]; rollbackFor: string[] }[];
    expect(rows.map((row) => [row.ref, row.deployedOn, row.deployingOn, row.rollbackFor])).toEqual([
      ['web@1', [], [], ['web01']],
      ['web@2', ['web01'], [], []],
      ['web@3', [], ['web02'], []],
      ['web@4', [], [], []],
    ]);
  });

  test('rm, mv and prune protect a version being deployed or kept for rollback like a deployed one; --force removes it', async () => {
    const before = snapshotTree(paths.home);
    const deploying = await run('image', 'rm', 'web@3');
    expect(deploying.status).toBe(65);
    expect(deploying.stderr).toContain('rootcast: error [IN_USE]: web@3 is in use (being deployed to web02)');
    const rollback = await run('image', 'rm', 'web@1');
    expect(rollback.status).toBe(65);
    expect(rollback.stderr).toContain('web@1 is in use (kept for rollback by web01)');
    const move = await run('image', 'mv', 'web', 'www');
    expect(move.status).toBe(65);
    expect(move.stderr).toContain('image "web" is in use: kept for rollback by web01; deployed on web01; being deployed to web02');
    const dry = await run('image', 'prune', 'web', '--keep', '0', '--dry-run');
    expect(dry.status).toBe(0);
    expect(dry.stdout).toMatch(/^keep {4}web@1 {2}\(kept for rollback by web01\)\nkeep {4}web@2 {2}\(deployed on web01\)\nkeep {4}web@3 {2}\(being deployed to web02\)\nremove {2}web@4 {2}\(older than the newest 0\)\n/);
    expect(await run('image', 'prune', 'web', '--keep', '1')).toMatchObject({ status: 0, stdout: expect.stringContaining('nothing to prune') });
    expect(snapshotTree(paths.home)).toEqual(before);

    const forced = await run('image', 'rm', 'web@3', '--force');
    expect(forced.status).toBe(0);
    expect(forced.stdout).toContain('warning: still recorded as running, being given or keeping for rollback a removed version: web02');
    expect(await namesIn(join(paths.imagesDir, 'web'))).not.toContain('3');
  });

  test('image show web:2 is a usage error that suggests web@2', async () => {
    const shown = await run('image', 'show', 'web:2');
    expect(shown.status).toBe(64);
    expect(shown.stdout).toBe('');
    expect(shown.stderr).toBe([
      'rootcast: error [USAGE]: "web:2" is not an image reference: a version or tag follows "@" (web@2), not ":"',
      '  did you mean web@2? (web is the newest version, web@3 a version, web@stable a tag)',
      '  hint: usage: rootcast image show [options] <ref>',
      '',
    ].join('\n'));
    const json = JSON.parse((await run('--json', 'image', 'show', 'web:2')).stderr) as { error: { code: string; details: string[] } };
    expect(json.error).toMatchObject({ code: 'USAGE', exitStatus: 64, details: [expect.stringContaining('did you mean web@2?')] });
  });

  test('image list on an empty or a missing home says where it looked and creates nothing', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'rootcast-empty-home-'));
    try {
      const missing = join(empty, 'not-created');
      for (const home of [empty, missing]) {
        const text = await runBinary(['--home', home, 'image', 'list'], { ROOTCAST_HOME: '' });
        expect(text).toEqual({
          status: 0,
          stdout: `no images in ${join(home, 'images')} (--home DIR or ROOTCAST_HOME choose another home)\ncreate one with "rootcast capture root@HOST --image NAME" or "rootcast capture --from-dir DIR --image NAME"\n`,
          stderr: '',
        });
        expect(await runBinary(['--home', home, '--json', 'image', 'list'], { ROOTCAST_HOME: '' })).toEqual({ status: 0, stdout: '[]\n', stderr: '' });
      }
      // The home given by ROOTCAST_HOME is the one named.
      expect((await runBinary(['image', 'list'], { ROOTCAST_HOME: missing })).stdout).toContain(`no images in ${join(missing, 'images')} `);
      expect(await namesIn(empty)).toEqual([]);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});

import { mkdtemp, rm, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runBinary } from '../helpers/cli.js';

const run = runBinary;

// The shipped bundle (dist/rootcast.mjs), spawned as users run it (needs `npm run build` first, which `npm test` does).
describe('the rootcast binary', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'rootcast-bin-'));
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  test('--help lists every noun a newcomer needs', async () => {
    const result = await run(['--help']);
    expect(result.status).toBe(0);
    for (const noun of ['capture', 'image', 'host', 'group', 'inventory']) expect(result.stdout).toContain(noun);
    expect(result.stdout).toContain('Exit statuses');
  });

  test('an unknown command is a usage error (64) and says how to get help', async () => {
    const result = await run(['--home', home, 'frobnicate']);
    expect(result.status).toBe(64);
    expect(result.stderr).toMatch(/unknown command|too many arguments/);
  });

  test('a missing image is "not found" (66) in text and in --json, and creates nothing', async () => {
    const text = await run(['--home', home, 'image', 'show', 'nosuch']);
    expect(text.status).toBe(66);
    expect(text.stderr).toContain('rootcast: error [NOT_FOUND]: image "nosuch" does not exist');
    const json = await run(['--home', home, '--json', 'image', 'show', 'nosuch']);
    expect(json.status).toBe(66);
    expect(JSON.parse(json.stderr).error).toMatchObject({ code: 'NOT_FOUND', exitStatus: 66 });
    expect(await readdir(home)).toEqual([]);
  });

  test('ROOTCAST_HOME selects the home like --home does', async () => {
    const result = await run(['image', 'list', '--json'], { ROOTCAST_HOME: home });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });
});

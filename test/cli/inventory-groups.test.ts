import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runInProcess, type CliRun } from '../helpers/cli.js';

describe('rootcast group', () => {
  let home: string;
  let file: string;
  const run = (...argv: string[]): Promise<CliRun> => runInProcess(['--home', home, ...argv]);

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'rootcast-grp-'));
    file = join(home, 'rootcast.yaml');
    // A committed version (images/web/1/root) makes "web" a store image.
    await mkdir(join(home, 'images', 'web', '1', 'root'), { recursive: true });
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  test('add, list, show and rm, in text and JSON', async () => {
    expect((await run('group', 'add', 'web', '--image', 'web@stable', '--var', 'role=web', '--var', 'port=8080', '--description', 'front ends')).status).toBe(0);
    expect((await run('group', 'add', 'gpu')).status).toBe(0);
    expect(await readFile(file, 'utf8')).toContain('groups:\n  web:\n    image: web@stable\n    vars: {role: web, port: "8080"}\n    description: front ends\n  gpu: {}\n');
    await run('host', 'add', 'n[1-2]', '--group', 'gpu', '--group', 'web');

    const list = await run('group', 'list');
    expect(list.stdout).toMatch(/^NAME\s+IMAGE\s+NETWORK\s+HOSTS\s+VARS$/m);
    expect(list.stdout).toMatch(/^web\s+web@stable\s+-\s+2\s+role=web port=8080$/m);
    expect(list.stdout).toMatch(/^gpu\s+-\s+-\s+2\s+-$/m);

    const listed = JSON.parse((await run('--json', 'group', 'list')).stdout) as { name: string; hosts: string[]; vars: Record<string, string> }[];
    expect(listed.map((group) => [group.name, group.hosts])).toEqual([['web', ['n1', 'n2']], ['gpu', ['n1', 'n2']]]);
    expect(listed[0]?.vars).toEqual({ role: 'web', port: '8080' });

    const show = await run('group', 'show', 'web');
    expect(show.stdout).toContain('image:   web@stable');
    expect(show.stdout).toContain('hosts:   n1, n2');
    const shown = JSON.parse((await run('--json', 'group', 'show', 'web')).stdout) as { name: string; description: string; line: number };
    expect(shown).toMatchObject({ name: 'web', description: 'front ends', line: 4 });

    // Still used: refused; once the hosts are gone it can be removed.
    expect((await run('group', 'rm', 'gpu')).status).toBe(65);
    expect((await run('host', 'rm', 'n[1-2]')).status).toBe(0);
    const dry = await run('group', 'rm', 'gpu', '--dry-run');
    expect(dry.stdout).toBe(`dry-run: would remove group gpu from ${file}\n`);
    expect(await readFile(file, 'utf8')).toContain('  gpu: {}');
    expect(await run('group', 'rm', 'gpu')).toEqual({ status: 0, stdout: `removed group gpu from ${file}\n`, stderr: '' });
    expect(await readFile(file, 'utf8')).not.toContain('gpu');
    expect((await run('group', 'show', 'gpu')).status).toBe(66);
  });
});

import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { startDeployFixture, type DeployFixture } from '../helpers/deploy-fixture-server.js';
import { buildRunnerBundle, runBundle, snapshotTree } from '../helpers/runner-harness.js';

const capture = () => {
  let text = '';
  return { stream: { write: (chunk: string) => (text += chunk) }, text: () => text };
};

// Bad inputs: each is refused with its exit status, and the target is left exactly as it was.
describe('the runner refuses bad inputs without touching the target', () => {
  let scratch: string;
  let target: string;
  let fixture: DeployFixture;
  let bundle: string;

  const runner = async (args: string[], env: Record<string, string> = {}) => {
    const stdout = capture();
    const stderr = capture();
    const status = await runCli(['runner', ...args], { stdout: stdout.stream, stderr: stderr.stream, env: { PATH: process.env['PATH'] ?? '', ...env } });
    return { status, stdout: stdout.text(), stderr: stderr.text() };
  };
  const common = (overrides: Record<string, string> = {}): string[] =>
    Object.entries({ '--target': target, '--server': fixture.url, '--host': 'web07', '--token': 'right-token', '--work-dir': join(scratch, 'work'), '--retries': '2', ...overrides }).flat();

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'rootcast-runner-inputs-'));
    target = join(scratch, 'target');
    const image = join(scratch, 'image');
    for (const dir of [join(target, 'etc'), join(image, 'etc'), join(scratch, 'fixture')]) await mkdir(dir, { recursive: true });
    await writeFile(join(target, 'etc/hostname'), 'installed\n');
    await writeFile(join(image, 'etc/hostname'), 'golden\n');
    fixture = await startDeployFixture({
      workDir: join(scratch, 'fixture'),
      hosts: [
        { name: 'web07', token: 'right-token', image: 'web', version: 1, imageRoot: image, keepPaths: ['/etc/fstab'] },
        { name: 'web08', token: 'web08-token', rsyncToken: 'rotated', image: 'web', version: 2, imageRoot: image, keepPaths: [] },
        { name: 'web09', token: 'web09-token', image: 'web', version: 9, imageRoot: image, keepPaths: [], serveModule: false },
      ],
    });
    bundle = join(scratch, 'runner.cjs');
    await buildRunnerBundle(bundle);
  }, 60_000);

  afterAll(async () => {
    await fixture?.close();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  const expectUntouched = async (status: Promise<{ status: number; stderr: string }> | { status: number; stderr: string }, exit: number, message: RegExp) => {
    const before = await snapshotTree(target);
    const result = await status;
    expect(result.status).toBe(exit);
    expect(result.stderr).toMatch(message);
    expect(await snapshotTree(target)).toBe(before);
    return result;
  };

  test('a wrong token is an authentication error (77)', async () => {
    const before = await snapshotTree(target);
    const result = await runner(common({ '--token': 'wrong-token' }));
    expect(result.status).toBe(77);
    expect(result.stderr).toMatch(/AUTH_FAILED.*refused the install token for host web07/);
    expect(result.stderr).toMatch(/hint:/);
    expect(result.stderr).not.toContain('wrong-token');
    expect(await snapshotTree(target)).toBe(before);
  });

  test('an unknown host is not found (66)', async () => {
    await expectUntouched(runner(common({ '--host': 'nosuchhost' })), 66, /does not know host nosuchhost/);
  });

  test('an unreachable server is unavailable (69) after a bounded number of tries', async () => {
    const result = await expectUntouched(runner(common({ '--server': 'http://127.0.0.1:1' })), 69, /cannot reach the rootcast server at http:\/\/127\.0\.0\.1:1 .*after 2 tries/);
    expect(result.stderr.match(/retrying in/g)).toHaveLength(1);
  });

  test('a missing target or a file is not found (66); an unmounted directory is a usage error (64)', async () => {
    await expectUntouched(runner(common({ '--target': join(scratch, 'missing') })), 66, /does not exist/);
    await expectUntouched(runner(common({ '--target': join(target, 'etc/hostname') })), 66, /is not a directory/);
    await expectUntouched(runner(common()), 64, /is not a mounted filesystem/);
    expect(fixture.events.filter((event) => event.phase === 'preflight').map((event) => event.status)).toEqual(['started', 'failed']);
  });

  test('bad option values are usage errors (64) listing every problem', async () => {
    const result = await expectUntouched(runner(['--target', 'relative', '--server', 'nonsense', '--host', 'web07']), 64, /invalid runner options/);
    expect(result.stderr).toMatch(/--target[\s\S]*--server[\s\S]*--token/);
  });

  test('--dry-run of an unmounted target shows the plan and fails with its preflight error', async () => {
    const before = await snapshotTree(target);
    const result = await runner(['--dry-run', ...common()]);
    expect(result.status).toBe(64);
    expect(result.stdout).toMatch(/FAIL target-mounted/);
    expect(await snapshotTree(target)).toBe(before);
  });

  test('a token the rsync daemon refuses is an authentication error (77); only the install log is written', async () => {
    const result = await runBundle(bundle, common({ '--host': 'web08', '--token': 'web08-token' }), { target }).done;
    expect(result.status).toBe(77);
    expect(result.stderr).toMatch(/AUTH_FAILED.*rsync daemon refused the install token/);
    // The probe runs alongside the fact gathering, but its verdict still comes before any copy.
    expect(fixture.events.filter((event) => event.host === 'web08').map((event) => `${event.phase} ${event.status}`)).toEqual(['preflight started', 'preflight failed']);
    expect(await readFile(join(target, 'etc/hostname'), 'utf8')).toBe('installed\n');
    expect(await readFile(join(target, 'var/log/rootcast/install.log'), 'utf8')).toMatch(/preflight failed \[AUTH_FAILED\]/);
    await rm(join(target, 'var'), { recursive: true });
  });

  test('an image version the server does not serve is not found (66)', async () => {
    const result = await runBundle(bundle, common({ '--host': 'web09', '--token': 'web09-token' }), { target }).done;
    expect(result.status).toBe(66);
    expect(result.stderr).toMatch(/does not serve image web@9/);
  });
});

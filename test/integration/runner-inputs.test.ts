import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runInProcess } from '../helpers/cli.js';
import { rsyncdFiles } from '../../src/server/rsyncd-plan.js';
import { startServeForTests, type ServeForTests } from '../helpers/serve-for-tests.js';
import { buildRunnerBundle, runBundle } from '../helpers/runner-harness.js';
import { snapshotTree } from '../helpers/tree-snapshot.js';

// Bad inputs: each is refused with its exit status, and the target is left exactly as it was.
describe('the runner refuses bad inputs without touching the target', () => {
  let scratch: string;
  let target: string;
  let serve: ServeForTests;
  let bundle: string;
  let token: string;

  const runner = (args: string[], env: Record<string, string> = {}) => runInProcess(['runner', ...args], { env: { PATH: process.env['PATH'] ?? '', ...env } });
  const common = (overrides: Record<string, string> = {}): string[] =>
    Object.entries({ '--target': target, '--server': serve.url, '--host': 'web07', '--token': token, '--work-dir': join(scratch, 'work'), '--retries': '2', ...overrides }).flat();

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'rootcast-runner-inputs-'));
    target = join(scratch, 'target');
    const image = join(scratch, 'image');
    for (const dir of [join(target, 'etc'), join(image, 'etc')]) await mkdir(dir, { recursive: true });
    await writeFile(join(target, 'etc/hostname'), 'installed\n');
    await writeFile(join(image, 'etc/hostname'), 'golden\n');
    serve = await startServeForTests({
      home: join(scratch, 'home'),
      hosts: [
        { name: 'web07', macs: [], ip: '127.0.0.1', imageRef: 'web@1', keepPaths: ['/etc/fstab'] },
        { name: 'web08', macs: [], imageRef: 'web@2', keepPaths: [] },
        { name: 'web09', macs: [], imageRef: 'web@2', keepPaths: [] },
      ],
      images: [1, 2].map((version) => ({ image: 'web', version, root: image })),
    });
    token = await serve.token('web07');
    bundle = join(scratch, 'runner.cjs');
    await buildRunnerBundle(bundle);
  }, 60_000);

  afterAll(async () => {
    await serve?.stop();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  const expectUntouched = async (status: Promise<{ status: number; stderr: string }> | { status: number; stderr: string }, exit: number, message: RegExp) => {
    const before = snapshotTree(target);
    const result = await status;
    expect(result.status).toBe(exit);
    expect(result.stderr).toMatch(message);
    expect(snapshotTree(target)).toEqual(before);
    return result;
  };

  test('a wrong token is an authentication error (77)', async () => {
    const before = snapshotTree(target);
    const result = await runner(common({ '--token': 'wrong-token' }));
    expect(result.status).toBe(77);
    expect(result.stderr).toMatch(/AUTH_FAILED.*refused the install token for host web07/);
    expect(result.stderr).toMatch(/hint:/);
    expect(result.stderr).not.toContain('wrong-token');
    expect(snapshotTree(target)).toEqual(before);
  });

  test('another host\'s name with this token is refused (77): the server does not say whether that host exists', async () => {
    await expectUntouched(runner(common({ '--host': 'nosuchhost' })), 77, /refused the install token for host nosuchhost/);
  });

  test('a host taken out of the inventory after its answer file was issued is not found (66)', async () => {
    await expectUntouched(runner(common({ '--host': 'retired', '--token': await serve.token('retired') })), 66, /does not know host retired/);
  });

  test('an unreachable server is unavailable (69) after a bounded number of tries', async () => {
    const result = await expectUntouched(runner(common({ '--server': 'http://127.0.0.1:1' })), 69, /cannot reach the rootcast server at http:\/\/127\.0\.0\.1:1 .*after 2 tries/);
    expect(result.stderr.match(/retrying in/g)).toHaveLength(1);
  });

  test('a missing target or a file is not found (66); an unmounted directory is a usage error (64)', async () => {
    await expectUntouched(runner(common({ '--target': join(scratch, 'missing') })), 66, /does not exist/);
    await expectUntouched(runner(common({ '--target': join(target, 'etc/hostname') })), 66, /is not a directory/);
    await expectUntouched(runner(common()), 64, /is not a mounted filesystem/);
    expect((await serve.events('web07')).filter((event) => event.phase === 'preflight').map((event) => event.status)).toEqual(['started', 'failed']);
  });

  test('bad option values are usage errors (64) listing every problem', async () => {
    const result = await expectUntouched(runner(['--target', 'relative', '--server', 'nonsense', '--host', 'web07']), 64, /invalid runner options/);
    expect(result.stderr).toMatch(/--target[\s\S]*--server[\s\S]*--token/);
  });

  test('--dry-run of an unmounted target shows the plan and fails with its preflight error', async () => {
    const before = snapshotTree(target);
    const result = await runner(['--dry-run', ...common()]);
    expect(result.status).toBe(64);
    expect(result.stdout).toMatch(/FAIL target-mounted/);
    expect(snapshotTree(target)).toEqual(before);
  });

  // The daemon's files edited behind serve's back (serve rewrites them only when its own view changes).
  const editDaemonFile = async (file: string, edit: (text: string) => string): Promise<void> => writeFile(file, edit(await readFile(file, 'utf8')), { mode: 0o600 });

  test('a token the rsync daemon refuses is an authentication error (77); only the install log is written', async () => {
    const web08 = await serve.token('web08');
    // A first contact makes serve publish the new token to the daemon; then the file is changed behind its back.
    expect((await fetch(`${serve.url}/api/v1/hosts/web08/deploy`, { headers: { authorization: `Bearer ${web08}` } })).status).toBe(200);
    await editDaemonFile(rsyncdFiles(serve.paths).secretsFile, (text) => text.replace(/^install\.web08:.*$/m, 'install.web08:rotated'));
    const result = await runBundle(bundle, common({ '--host': 'web08', '--token': web08 }), { target }).done;
    expect(result.status).toBe(77);
    expect(result.stderr).toMatch(/AUTH_FAILED.*rsync daemon refused the install token/);
    // The probe runs alongside the fact gathering, but its verdict still comes before any copy.
    expect((await serve.events('web08')).map((event) => `${event.phase} ${event.status}`)).toEqual(['preflight started', 'preflight failed']);
    expect(await readFile(join(target, 'etc/hostname'), 'utf8')).toBe('installed\n');
    expect(await readFile(join(target, 'var/log/rootcast/install.log'), 'utf8')).toMatch(/preflight failed \[AUTH_FAILED\]/);
    await rm(join(target, 'var'), { recursive: true });
  });

  test('an image version the daemon does not serve is not found (66)', async () => {
    const web09 = await serve.token('web09');
    await editDaemonFile(rsyncdFiles(serve.paths).configFile, (text) => text.replace('[img.web.2]', '[img.web.2-withdrawn]'));
    const result = await runBundle(bundle, common({ '--host': 'web09', '--token': web09 }), { target }).done;
    expect(result.status).toBe(66);
    expect(result.stderr).toMatch(/does not serve image web@2/);
  });
});

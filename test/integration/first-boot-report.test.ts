import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { packageFile } from '../../src/package/package-root.js';
import { firstBootFiles } from '../../src/protocol/deploy-protocol.js';
import { startServeForTests, type ServeForTests } from '../helpers/serve-for-tests.js';

const script = packageFile('boot', firstBootFiles.script);
const unit = packageFile('boot', firstBootFiles.unit);

interface ScriptRun {
  code: number;
  stderr: string;
}

/** Runs the first-boot script as systemd would (no INVOCATION_ID: it must not touch this machine's units). */
const runScript = async (confDir: string, env: Record<string, string> = {}): Promise<ScriptRun> => {
  try {
    const { stderr } = await promisify(execFile)('/bin/sh', [script], {
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ROOTCAST_CONF_DIR: confDir, ROOTCAST_FIRSTBOOT_INTERVAL: '0', ...env },
      timeout: 60_000,
    });
    return { code: 0, stderr };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
};

/** A PATH with the tools the script needs but only the HTTP client given. */
const pathWith = async (dir: string, client: 'wget' | 'none'): Promise<string> => {
  await mkdir(dir, { recursive: true });
  const tools = ['sh', 'sed', 'head', 'cat', 'date', 'uname', 'mktemp', 'rm', ...(client === 'wget' ? ['wget'] : [])];
  for (const tool of tools) {
    const { stdout } = await promisify(execFile)('sh', ['-c', `command -v ${tool}`]);
    await symlink(stdout.trim(), join(dir, tool));
  }
  return dir;
};

// The first-boot report against the real serve: curl or wget, the host credential from its file.
describe('the first-boot report (boot/rootcast-firstboot.sh)', () => {
  let serve: ServeForTests;
  let work: string;
  let credential = '';

  const enrolment = async (name: string, server: string, key: string): Promise<string> => {
    const dir = join(work, name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'client.json'), `${JSON.stringify({ server, host: 'web07', rsyncUser: 'host.web07' }, null, 2)}\n`);
    await writeFile(join(dir, 'host.key'), `${key}\n`, { mode: 0o600 });
    return dir;
  };
  const booted = async () => (await serve.allEvents('web07')).filter((event) => event.kind === 'booted');

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'rootcast-firstboot-'));
    serve = await startServeForTests({ hosts: [{ name: 'web07', macs: [], imageRef: 'web' }], images: [] });
    const token = await serve.token('web07');
    const enrolled = await fetch(`${serve.url}/api/v1/hosts/web07/credential`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(enrolled.status).toBe(200);
    credential = ((await enrolled.json()) as { credential: string }).credential;
  });
  afterAll(async () => {
    await serve.stop();
    await rm(work, { recursive: true, force: true });
  });

  test('reports booted with the running kernel, once per boot however often it runs (curl, then GNU wget)', async () => {
    const conf = await enrolment('ok', serve.url, credential);
    const first = await runScript(conf);
    expect(first.stderr).toContain(`reported to ${serve.url}: web07 booted kernel `);
    expect(first.code).toBe(0);
    const kernel = (await promisify(execFile)('uname', ['-r'])).stdout.trim();
    const events = await booted();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'booted', host: 'web07', message: `kernel ${kernel}`, id: expect.stringMatching(/^boot-[0-9a-f-]{36}$/) });
    // The same boot again (a retried run) is stored once; wget alone does the same.
    expect((await runScript(conf, { PATH: await pathWith(join(work, 'wget-bin'), 'wget') })).code).toBe(0);
    expect(await booted()).toHaveLength(1);
  });

  test('a refused credential stops at once with serve\'s reason; no enrolment or no client is a clear failure', async () => {
    const wrong = await runScript(await enrolment('wrong', serve.url, `${credential.slice(0, -4)}AAAA`), { ROOTCAST_FIRSTBOOT_TRIES: '5' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/serve refused the report \(40[13]\)/);
    expect(wrong.stderr).not.toContain('did not take the report');

    const none = await runScript(join(work, 'nothing-here'));
    expect(none.code).toBe(78);
    expect(none.stderr).toContain('no enrolment in');

    const noClient = await runScript(await enrolment('no-client', serve.url, credential), { PATH: await pathWith(join(work, 'no-client-bin'), 'none') });
    expect(noClient.code).toBe(1);
    expect(noClient.stderr).toContain('neither curl nor wget is installed');
  });

  test('a server that does not answer is retried a bounded number of times', async () => {
    const closed = await runScript(await enrolment('down', 'http://127.0.0.1:9', credential), { ROOTCAST_FIRSTBOOT_TRIES: '3' });
    expect(closed.code).toBe(1);
    expect(closed.stderr).toContain('serve at http://127.0.0.1:9 did not take the report after 3 tries');
  });

  test('the unit passes systemd-analyze verify and starts the script where the runner installs it', async () => {
    const text = (await promisify(execFile)('cat', [unit])).stdout;
    expect(text).toContain('ExecStart=/bin/sh /usr/local/lib/rootcast/firstboot.sh');
    // Checked against this machine's systemd units (the same systemd 252 as a bookworm target).
    const copy = join(work, firstBootFiles.unit);
    await writeFile(copy, text);
    const verified = await promisify(execFile)('systemd-analyze', ['verify', copy]).then(
      ({ stderr }) => ({ code: 0, stderr }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(verified.stderr.split('\n').filter((line) => line.includes('rootcast-firstboot'))).toEqual([]);
    expect(verified.code).toBe(0);
  });
});

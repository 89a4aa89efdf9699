import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { resolveHomePaths, type HomePaths } from '../../src/home/paths.js';
import type { RunningServer } from '../../src/server/start-server.js';
import { runBinary } from '../helpers/cli.js';
import { earlyCommand, kickstartSection, makeBusyboxPath, runEarlyCommand } from '../helpers/installer-scripts.js';
import { storedEvents } from '../helpers/stored-events.js';
import { buildFixtureStore, startTokenServe } from './serve-fixture.js';

const run = promisify(execFile);

// The answer files rootcast prints, run as the installers run them: the kickstart's %pre with sh and curl
// (Anaconda has curl), the preseed's early_command with busybox's sh and nc only (d-i has no curl, and its
// busybox wget cannot POST), both against the real serve.
describe('the installer reports installer-started', () => {
  let work: string;
  let paths: HomePaths;
  let server: RunningServer;
  let busyboxPath: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'rootcast-installer-'));
    paths = resolveHomePaths({ home: join(work, 'home') });
    await buildFixtureStore(paths);
    server = await startTokenServe(paths, work, { hosts: [{ name: 'web07', macs: [], imageRef: 'web@1' }] });
    await writeFile(join(paths.home, 'rootcast.yaml'), `server: {url: "http://127.0.0.1:${server.http.port}"}\nhosts:\n  web07: {image: web}\n`);
    // What d-i's environment offers: busybox applets, no curl.
    busyboxPath = await makeBusyboxPath(join(work, 'busybox-bin'));
  });

  afterAll(async () => {
    await server?.stop();
    await rm(work, { recursive: true, force: true });
  });

  test('the kickstart\'s %pre posts it with curl; the kickstart still passes the checker', async () => {
    const kickstart = await runBinary(['--home', paths.home, 'kickstart', 'web07', '--distro', 'rocky9']);
    expect(kickstart.status, kickstart.stderr).toBe(0);
    await writeFile(join(work, 'web07.ks'), kickstart.stdout);
    expect((await runBinary(['kickstart', '--check', join(work, 'web07.ks'), '--distro', 'rocky9'])).status).toBe(0);
    const script = kickstartSection(kickstart.stdout, '%pre');
    expect(script).toContain('curl');
    const before = (await storedEvents(paths, 'web07')).length;
    await run('/bin/sh', ['-c', script], { env: { PATH: '/usr/bin:/bin' } });
    const events = (await storedEvents(paths, 'web07')).slice(before);
    expect(events).toEqual([expect.objectContaining({ kind: 'installer-started', installer: 'anaconda', host: 'web07', from: '127.0.0.1', install: 1 })]);
    expect(events[0]?.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('the kickstart\'s %onerror posts the installer\'s failure with the %post log\'s last lines (else Anaconda\'s), and never fails', async () => {
    const kickstart = await runBinary(['--home', paths.home, 'kickstart', 'web07', '--distro', 'rocky9']);
    expect(kickstart.status, kickstart.stderr).toBe(0);
    const script = kickstartSection(kickstart.stdout, '%onerror');
    expect(script).toContain('curl');
    // Anaconda's /tmp, private to this run: the %post trace a failed bootstrap download left, or only anaconda.log.
    const runOnError = (setup: string, text: string) =>
      run('unshare', ['-m', '--propagation', 'private', '/bin/sh', '-c', `mount -t tmpfs none /tmp && ${setup} && exec env -i PATH=/usr/bin:/bin sh -c "$0"`, text]);
    const postLog = Array.from({ length: 45 }, (_, index) => `+ step ${index}`).concat(['curl: (22) The requested URL returned error: 404', 'a "quoted" \\ line']);
    const before = (await storedEvents(paths, 'web07')).length;
    await runOnError(`printf '%s\\n' ${postLog.map((line) => `'${line}'`).join(' ')} >/tmp/rootcast-post.log && echo 'anaconda: not this one' >/tmp/anaconda.log`, script);
    const events = (await storedEvents(paths, 'web07')).slice(before);
    expect(events).toEqual([expect.objectContaining({ kind: 'failed', v: 2, stage: 'installer', host: 'web07', from: '127.0.0.1' })]);
    const failed = events[0]?.kind === 'failed' ? events[0] : undefined;
    expect(failed?.message).toBe('Anaconda stopped the install (kickstart %onerror); the log lines are from /tmp/rootcast-post.log');
    expect(failed?.log).toEqual(postLog.slice(-40));

    await runOnError(`echo 'anaconda: storage configuration failed' >/tmp/anaconda.log`, script);
    const second = (await storedEvents(paths, 'web07')).slice(before + 1);
    expect(second).toEqual([expect.objectContaining({ kind: 'failed', log: ['anaconda: storage configuration failed'] })]);

    // serve unreachable: the section still succeeds (Anaconda ignores it anyway, but it must not hang).
    await expect(runOnError('true', script.replace(`127.0.0.1:${server.http.port}`, '127.0.0.1:1'))).resolves.toBeDefined();
  });

  test('the preseed\'s early_command posts it through busybox nc, keeps its console marker, and never fails', async () => {
    const preseed = await runBinary(['--home', paths.home, 'preseed', 'web07']);
    expect(preseed.status, preseed.stderr).toBe(0);
    const command = earlyCommand(preseed.stdout);
    const before = (await storedEvents(paths, 'web07')).length;
    const console = join(work, 'console');
    const runEarly = (text: string) => runEarlyCommand(text, console, busyboxPath);
    await runEarly(command);
    expect(await readFile(console, 'utf8')).toBe('rootcast: preseed read for web07\n');
    // nc may be gone before serve has stored what it sent: wait (bounded) for the event to land.
    for (let wait = 0; wait < 100 && (await storedEvents(paths, 'web07')).length === before; wait += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    const events = (await storedEvents(paths, 'web07')).slice(before);
    expect(events).toEqual([expect.objectContaining({ kind: 'installer-started', installer: 'debian-installer', host: 'web07', install: 2 })]);

    // serve unreachable (a closed port): the command still succeeds at once, so d-i goes on.
    const unreachable = command.replace(`127.0.0.1:${server.http.port}`, '127.0.0.1:1');
    expect(unreachable).not.toBe(command);
    await runEarly(unreachable); // rejects on a non-zero exit
    expect((await storedEvents(paths, 'web07')).length).toBe(before + 1);
  });
});

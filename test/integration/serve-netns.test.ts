import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { resolveHomePaths, type HomePaths } from '../../src/home/paths.js';
import type { ServeFleet } from '../../src/server/serve-fleet.js';
import { ensureDebootstrapRoot, installedRootRecipe } from '../helpers/debootstrap-cache.js';
import { buildRunnerBundle, findProcesses, runBundle } from '../helpers/runner-harness.js';
import { createTestNetwork, type CommandOutcome, type TestNetwork } from '../helpers/netns.js';
import { bundleEntry, type TestBundle } from '../helpers/bundle-entry.js';
import { buildFixtureStore } from './serve-fixture.js';

const run = promisify(execFile);

// Polls instead of sleeping a fixed time: the tests never depend on how fast the machine is.
const eventually = async <T>(probe: () => Promise<T | undefined>, what: string, attempts = 100): Promise<T> => {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(100);
  }
  throw new Error(`gave up waiting for ${what}`);
};

/** The real serve process in one namespace; curl and rsync clients in three others. */
describe('rootcast serve in network namespaces', () => {
  let work: string;
  let entry: TestBundle | undefined;
  let paths: HomePaths;
  let net: TestNetwork;
  let serve: ChildProcess | undefined;
  let serveOutput = '';
  let exitCode: Promise<number | null>;
  let server: string;
  let client: string;
  let outsider: string;
  let stranger: string;
  let serverIp: string;
  let clientIp: string;
  let outsiderIp: string;
  let strangerIp: string;
  let installedRoot: string;
  let runner: string;
  const fleetFile = () => join(work, 'fleet.json');
  const writeFleet = (fleet: ServeFleet) => writeFile(fleetFile(), JSON.stringify({ ...fleet, answerFileClients: [clientIp, outsiderIp] }));
  const tokens = new Map<string, string>();
  /** The token of the host's newest answer file, fetched the way an installer does (a fresh one when `renew`). */
  const token = async (host: string, renew = false): Promise<string> => {
    const known = tokens.get(host);
    if (known !== undefined && !renew) return known;
    const answer = await curl(host === 'web09' ? outsider : client, `/ks/${host}`);
    const fresh = /# token (\S+)/.exec(body(answer))?.[1];
    if (status(answer) !== 200 || fresh === undefined) throw new Error(`no answer file for ${host}: ${answer.stdout}`);
    tokens.set(host, fresh);
    return fresh;
  };
  /** The rsync processes serve started for connections (inetd mode): their command line names its config. */
  const rsyncChildren = () => findProcesses('rsync', '--daemon', join(paths.home, 'run', 'rsyncd.conf'));

  const curl = (namespace: string, path: string, args: string[] = []): Promise<CommandOutcome> =>
    net.run(namespace, 'curl', ['-sS', '--path-as-is', '-w', '\n%{http_code}', ...args, `http://${serverIp}:8780${path}`]);
  const status = (outcome: CommandOutcome) => Number(outcome.stdout.slice(outcome.stdout.lastIndexOf('\n') + 1));
  const body = (outcome: CommandOutcome) => outcome.stdout.slice(0, outcome.stdout.lastIndexOf('\n'));
  const pull = async (namespace: string, user: string, password: string, target: string): Promise<CommandOutcome> =>
    net.run(namespace, 'rsync', ['-aHAXS', '--numeric-ids', '--delete', `rsync://${user}@${serverIp}:8873/img.web.1/`, `${target}/`], { env: { RSYNC_PASSWORD: password } });
  const bearer = (secret: string) => ['-H', `Authorization: Bearer ${secret}`];
  const postEvent = (host: string, secret: string, event: Record<string, unknown>) =>
    curl(client, `/api/v1/hosts/${host}/events`, [...bearer(secret), '-H', 'Content-Type: application/json', '--data', JSON.stringify({ v: 1, kind: 'phase', id: `netns-${Math.random().toString(16).slice(2, 14)}`, host, at: '2026-01-02T03:04:05Z', ...event })]);

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'rootcast-serve-ns-'));
    paths = resolveHomePaths({ home: join(work, 'home') });
    await buildFixtureStore(paths);
    net = await createTestNetwork(4);
    [server, client, outsider, stranger] = net.namespaces as [string, string, string, string];
    [serverIp, clientIp, outsiderIp, strangerIp] = net.addresses as [string, string, string, string];
    await writeFleet({ hosts: [{ name: 'web07', macs: ['52:54:00:12:34:56'], ip: clientIp, imageRef: 'web@stable' }] });
    entry = await bundleEntry(join(import.meta.dirname, 'serve-entry.ts'));
    installedRoot = await ensureDebootstrapRoot(installedRootRecipe);
    runner = join(work, 'runner.cjs');
    await buildRunnerBundle(runner);
    // The stranger is inside "hosts allow" (as any address of an allowed subnet is): the denial-of-service test attacks from there.
    serve = net.spawn(server, process.execPath, [entry.file, '--home', paths.home, 'serve', '--http', `${serverIp}:8780`, '--rsync', `${serverIp}:8873`, '--rsync-allow', strangerIp], {
      env: { ...process.env, SERVE_FLEET_FILE: fleetFile() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    exitCode = once(serve, 'exit').then(([code]) => code as number | null);
    serve.stdout?.on('data', (chunk: Buffer) => (serveOutput += chunk.toString()));
    serve.stderr?.on('data', (chunk: Buffer) => (serveOutput += chunk.toString()));
    await eventually(async () => (serveOutput.includes('rootcast serve: HTTP on') ? true : serve?.exitCode !== null ? Promise.reject(new Error(serveOutput)) : undefined), 'serve to start');
  }, 600_000);

  afterAll(async () => {
    if (serve !== undefined && serve.exitCode === null && serve.pid !== undefined) {
      serve.kill('SIGKILL');
      await exitCode;
    }
    for (const pid of rsyncChildren()) process.kill(pid, 'SIGKILL');
    await net?.destroy();
    await rm(work, { recursive: true, force: true });
    await entry?.remove();
  });

  test('prints where it listens', () => {
    expect(serveOutput).toContain(`rootcast serve: HTTP on http://${serverIp}:8780/, rsync daemon on rsync://${serverIp}:8873/`);
  });

  test('answer files over real HTTP; unknown hosts 404, bad names and traversal 400', async () => {
    const byName = await curl(client, '/ks/web07');
    expect(status(byName)).toBe(200);
    expect(body(byName)).toMatch(/^# kickstart for web07\n# token i\d+-[A-Za-z0-9_-]{43}\n$/);
    expect(body(await curl(client, '/preseed/mac/52-54-00-12-34-56'))).toContain('# preseed for web07');
    const unknown = await curl(client, '/ks/mac/52:54:00:00:00:01');
    expect([status(unknown), body(unknown)]).toEqual([404, 'no host with MAC 52:54:00:00:00:01 in the inventory (set it with "rootcast host set HOST --mac 52:54:00:00:00:01", then reload serve)\n']);
    for (const path of ['/ks/../../etc/passwd', '/ks/%2E%2E/x', '/preseed/web%2F07', '/ks/web..07']) {
      expect(status(await curl(client, path)), path).toBe(400);
    }
  });

  test('deploy instructions and an rsync pull with the host token', async () => {
    const deploy = await curl(client, '/api/v1/hosts/web07/deploy', bearer(await token('web07', true)));
    expect(status(deploy)).toBe(200);
    expect(JSON.parse(body(deploy))).toMatchObject({ ref: 'web@1', rsync: { url: `rsync://install.web07@${serverIp}:8873/img.web.1/`, user: 'install.web07' } });
    const pulled = await pull(client, 'install.web07', await token('web07'), join(work, 'client-target'));
    expect(pulled.exitCode, pulled.stderr).toBe(0);
    expect(await readFile(join(work, 'client-target', 'etc', 'motd'), 'utf8')).toBe('web version 1\n');
  });

  test('a wrong token and a host outside "hosts allow" are refused by the daemon', async () => {
    const wrong = await pull(client, 'install.web07', 'not-the-token', join(work, 'wrong'));
    expect(wrong.exitCode).toBe(5);
    expect(wrong.stderr).toContain('auth failed');
    const outside = await pull(outsider, 'install.web07', await token('web07'), join(work, 'outside'));
    expect(outside.exitCode).toBe(5);
    // With "list = no" rsync does not even admit the module exists to a denied address; its log says why.
    expect(outside.stderr).toContain("Unknown module 'img.web.1'");
    const log = await readFile(join(paths.home, 'run', 'rsyncd.log'), 'utf8');
    expect(log).toMatch(new RegExp(`rsync denied on module img\\.web\\.1 from \\S+ \\(${outsiderIp.replaceAll('.', '\\.')}\\)`));
  });

  test('events: POST round trip from the host', async () => {
    const event = { host: 'web07', phase: 'sync-image', status: 'progress', at: '2026-01-02T03:04:05Z', percent: 50, bytes: 4096, rate: 1000 };
    const posted = await postEvent('web07', await token('web07'), event);
    expect(status(posted)).toBe(201);
    const listed = await curl(client, '/api/v1/hosts/web07/events', bearer(await token('web07')));
    // Its answer file opened the install (serve recorded it), then the host's own event.
    expect((JSON.parse(body(listed)) as { events: unknown[] }).events).toEqual([expect.objectContaining({ kind: 'answer-file-served' }), expect.objectContaining(event)]);
  });

  test('answer files only go to the allowed addresses; a refused client learns nothing, not even which hosts exist', async () => {
    for (const path of ['/ks/web07', '/ks/web99', '/preseed/mac/52:54:00:12:34:56']) {
      const refused = await curl(stranger, path);
      expect(status(refused), path).toBe(403);
      expect(body(refused), path).toMatch(/answer files are served only to .*; \S+ is not among them/);
      expect(body(refused), path).not.toContain('token');
    }
  });

  test('a newer answer file voids the older one, over HTTP and at the rsync daemon', async () => {
    const old = await token('web07', true);
    const fresh = await token('web07', true);
    expect(fresh).not.toBe(old);
    const refused = await curl(client, '/api/v1/hosts/web07/deploy', bearer(old));
    expect(status(refused)).toBe(403);
    expect(body(refused)).toContain('a newer answer file replaced it');
    expect((await pull(client, 'install.web07', old, join(work, 'old-token'))).stderr).toContain('auth failed');
    expect(status(await curl(client, '/api/v1/hosts/web07/deploy', bearer(fresh)))).toBe(200);
    expect((await pull(client, 'install.web07', fresh, join(work, 'fresh-token'))).exitCode).toBe(0);
  });

  test('after "done" the install token opens nothing; the host credential it was traded for does', async () => {
    const install = await token('web07', true);
    expect(status(await curl(client, '/api/v1/hosts/web07/deploy', bearer(install)))).toBe(200);
    const enrolled = await curl(client, '/api/v1/hosts/web07/credential', ['-X', 'POST', ...bearer(install)]);
    expect(status(enrolled)).toBe(200);
    const { credential, rsyncUser } = JSON.parse(body(enrolled)) as { credential: string; rsyncUser: string };
    expect(rsyncUser).toBe('host.web07');
    expect(credential).toMatch(/^h\d+-/);
    expect(status(await postEvent('web07', install, { phase: 'done', status: 'succeeded' }))).toBe(201);
    const record = JSON.parse(await readFile(join(paths.home, 'state', 'hosts', 'web07', 'record.json'), 'utf8')) as { deployed?: { ref: string } };
    expect(record.deployed?.ref).toBe('web@1');

    const spent = await curl(client, '/api/v1/hosts/web07/deploy', bearer(install));
    expect([status(spent), body(spent)]).toEqual([403, expect.stringContaining('its install already finished')]);
    expect(status(await postEvent('web07', install, { phase: 'sync-image', status: 'progress' }))).toBe(403);
    const daemon = await pull(client, 'install.web07', install, join(work, 'spent'));
    expect([daemon.exitCode, daemon.stderr]).toEqual([5, expect.stringContaining('auth failed')]);

    expect(status(await postEvent('web07', credential, { phase: 'sync-image', status: 'progress' }))).toBe(201);
    expect(status(await curl(client, '/api/v1/hosts/web07/deploy', bearer(credential)))).toBe(403);
    expect((await pull(client, rsyncUser, credential, join(work, 'with-credential'))).exitCode).toBe(0);
  });

  test('one allowed address holding 32 connections at the password challenge blocks nobody else: a runner deploy from another address completes', async () => {
    // The attacker answers the greeting and names a real module, then never answers @RSYNCD: AUTHREQD; every
    // connection closed (refused or at serve's deadline) is opened again, as a client set on denying deploys would.
    const attack = `
      const net = require('node:net');
      const [server, module] = process.argv.slice(1);
      const stats = { challenged: 0, refused: 0, closedAtChallenge: 0 };
      let stopping = false;
      let announced = false;
      const hold = () => {
        const socket = net.connect(8873, server);
        let said = '';
        let answered = false;
        let challenged = false;
        socket.on('data', (data) => {
          said += data;
          if (!answered && said.includes('@RSYNCD: ')) {
            answered = true;
            socket.write('@RSYNCD: 31.0\\n' + module + '\\n');
          }
          if (!challenged && said.includes('@RSYNCD: AUTHREQD')) {
            challenged = true;
            stats.challenged += 1;
          }
          if (!announced && stats.challenged >= 4 && stats.refused >= 28) {
            announced = true;
            console.log('holding');
          }
        });
        socket.on('error', () => undefined);
        socket.on('close', () => {
          if (said.includes('@ERROR: max connections')) stats.refused += 1;
          else if (challenged) stats.closedAtChallenge += 1;
          if (!announced && stats.challenged >= 4 && stats.refused >= 28) {
            announced = true;
            console.log('holding');
          }
          if (!stopping) setTimeout(hold, challenged ? 50 : 1000);
        });
      };
      for (let i = 0; i < 32; i += 1) hold();
      process.stdin.on('data', () => {
        stopping = true;
        console.log(JSON.stringify(stats));
        process.exit();
      });
    `;
    const attacker = net.spawn(stranger, process.execPath, ['-e', attack, serverIp, 'img.web.1'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let said = '';
    attacker.stdout?.on('data', (chunk: Buffer) => (said += chunk.toString()));
    const finished = once(attacker, 'exit');
    const target = join(work, 'deploy-under-attack');
    try {
      await eventually(async () => (said.includes('holding') ? true : undefined), 'the attacker to hold its connections', 300);
      // serve's own count: the attacker's four connections, all waiting at the challenge.
      expect(JSON.parse(body(await curl(client, '/healthz')))).toMatchObject({ rsyncConnections: 4 });
      await mkdir(target);
      await run('cp', ['-a', `${installedRoot}/.`, `${target}/`]);
      const deployed = await runBundle(runner, ['--target', target, '--server', `http://${serverIp}:8780`, '--host', 'web07', '--work-dir', join(work, 'runner-work'), '--retries', '3', '--no-bootloader'], {
        target,
        netns: client,
        env: { ROOTCAST_TOKEN: await token('web07', true) },
      }).done;
      expect([deployed.status, deployed.stderr]).toEqual([0, expect.stringContaining('done succeeded web@1 deployed')]);
      expect(await readFile(join(target, 'etc', 'motd'), 'utf8')).toBe('web version 1\n');
      // serve closed held connections at its deadline (the default 10 s), and the attacker had to keep reconnecting.
      await eventually(async () => (/did not authenticate within 10000 ms; closing its connection/.test(serveOutput) ? true : undefined), 'serve to close a held connection', 300);
      attacker.stdin?.write('stop\n');
      await finished;
      const stats = JSON.parse(said.trim().split('\n').at(-1) ?? '{}') as { challenged: number; refused: number; closedAtChallenge: number };
      expect(stats.challenged).toBeGreaterThanOrEqual(4);
      expect(stats.refused).toBeGreaterThanOrEqual(28);
      expect(stats.closedAtChallenge).toBeGreaterThanOrEqual(1);
    } finally {
      attacker.kill('SIGKILL');
    }
  }, 180_000);

  test('SIGHUP picks up a new host: its answer file and its rsync access', async () => {
    expect(status(await curl(outsider, '/ks/web09'))).toBe(404);
    await writeFleet({
      hosts: [
        { name: 'web07', macs: ['52:54:00:12:34:56'], ip: clientIp, imageRef: 'web@stable' },
        { name: 'web09', macs: [], ip: outsiderIp, imageRef: 'web@1' },
      ],
    });
    serve?.kill('SIGHUP');
    await eventually(async () => (status(await curl(outsider, '/ks/web09')) === 200 ? true : undefined), 'web09 to be served');
    const pulled = await pull(outsider, 'install.web09', await token('web09'), join(work, 'web09'));
    expect(pulled.exitCode, pulled.stderr).toBe(0);
  });

  test('a broken inventory on SIGHUP keeps the previous one', async () => {
    await writeFile(fleetFile(), JSON.stringify({ hosts: [{ name: 'BAD', macs: [], imageRef: 'web' }] }));
    serve?.kill('SIGHUP');
    await eventually(async () => (serveOutput.includes('reload failed') ? true : undefined), 'the reload to fail');
    expect(status(await curl(outsider, '/ks/web09'))).toBe(200);
  });

  test('SIGTERM stops serve with status 0 and leaves no rsync process', async () => {
    serve?.kill('SIGTERM');
    expect(await exitCode).toBe(0);
    expect(rsyncChildren()).toEqual([]);
  });
});

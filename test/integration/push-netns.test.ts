import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { issueInstallToken } from '../../src/credentials/issue-token.js';
import { resolveHomePaths, type HomePaths } from '../../src/home/paths.js';
import { imageLayout } from '../../src/image/layout.js';
import type { HostPushResult } from '../../src/push/push-result.js';
import type { PushStep } from '../../src/push/push-steps.js';
import { formatPlannedCommand } from '../../src/sys/planned-command.js';
import type { PushRecording } from './push-record-entry.js';
import { readHostRecord } from '../../src/state/host-record-store.js';
import { bundleEntry, type TestBundle } from '../helpers/bundle-entry.js';
import { rootcastBinary } from '../helpers/cli.js';
import { addVersion } from '../helpers/image-builder.js';
import { createTestNetwork, type TestNetwork } from '../helpers/netns.js';
import { findProcesses } from '../helpers/runner-harness.js';
import { chrootParent, startNamespacedSshd, type NamespacedSshd } from '../helpers/sshd.js';
import { putFile as put } from '../helpers/put-file.js';

const eventually = async <T>(probe: () => T | undefined, what: string, attempts = 200): Promise<T> => {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const value = probe();
    if (value !== undefined) return value;
    await sleep(50);
  }
  throw new Error(`gave up waiting for ${what}`);
};

const bigFileBytes = 16 * 1024 * 1024;

/**
 * serve and the pushing rootcast in one namespace, four "deployed hosts" in others: h1 and h2 with their own sshd,
 * h3 whose sshd's key is not the one known_hosts has, h4 with no sshd at all. Each host's root is a directory.
 */
describe('rootcast push and drift over SSH to namespaced hosts', () => {
  let work: string;
  let paths: HomePaths;
  let net: TestNetwork;
  let entry: TestBundle | undefined;
  let serve: ChildProcess | undefined;
  let serveOutput = '';
  const sshds: NamespacedSshd[] = [];
  let hostsDir: string;
  let knownHosts: string;
  let clientKey: string;
  let serverIp: string;
  const names = ['h1', 'h2', 'h3', 'h4'];
  const rootOf = (host: string): string => join(hostsDir, host);

  /** `rootcast … push|drift` run from the server's namespace (never from the root namespace). */
  const rootcast = (args: readonly string[], timeoutSeconds = 120) =>
    net.run(net.namespaces[0] as string, process.execPath, [rootcastBinary, '--home', paths.home, ...args, '--known-hosts', knownHosts, '--ssh-key', clientKey, '--target-root', join(hostsDir, '{host}'), '--timeout', String(timeoutSeconds)], { timeoutMs: 300_000 });
  /** What rsync would still change to make the host's managed paths the image's (empty: equal in content and metadata). */
  const managed = (root: string, image: string): string[] =>
    execFileSync('rsync', ['-aHAXn', '--delete', '--itemize-changes', '--exclude=/etc/rootcast/', '--exclude=/run/', '--exclude=/usr/local/lib/rootcast/', `${image}/`, `${root}/`], { encoding: 'utf8' }).split('\n').filter(Boolean);

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'rootcast-push-ns-'));
    paths = resolveHomePaths({ home: join(work, 'home') });
    mkdirSync(chrootParent, { recursive: true, mode: 0o755 });
    hostsDir = join(work, 'hosts');
    for (const version of [1, 2, 3]) {
      const golden = join(work, `golden${version}`);
      put(golden, 'etc/motd', `web version ${version}\n`);
      put(golden, 'etc/app.conf', version === 1 ? 'old\n' : 'new\n');
      if (version === 1) put(golden, 'etc/only-v1', 'gone in 2\n');
      // web@3: 16 MiB more, minutes of transfer over a link shaped to 1 Mbit/s (the --timeout test).
      if (version === 3) put(golden, 'opt/big.bin', randomBytes(bigFileBytes).toString('base64').slice(0, bigFileBytes));
      // Every real root has /usr/local/lib, where push keeps node and the runner.
      mkdirSync(join(golden, 'usr/local/lib'), { recursive: true });
      execFileSync('find', [golden, '-exec', 'touch', '-h', '-d', '2020-01-01T00:00:00Z', '{}', '+']);
      await addVersion(paths, 'web', golden);
    }
    net = await createTestNetwork(names.length + 1);
    serverIp = net.addresses[0] as string;
    const hostIp = (host: string): string => net.addresses[names.indexOf(host) + 1] as string;
    const fleet = { hosts: names.map((host, index) => ({ name: host, macs: [`52:54:00:00:00:0${index + 1}`], ip: hostIp(host), imageRef: 'web@2' })) };
    writeFileSync(join(work, 'fleet.json'), JSON.stringify(fleet));
    mkdirSync(paths.home, { recursive: true });
    writeFileSync(paths.inventoryFile, [
      `server: {url: "http://${serverIp}:8780"}`,
      'groups:',
      '  web: {image: web@2}',
      'hosts:',
      ...names.map((host, index) => `  ${host}: {mac: "52:54:00:00:00:0${index + 1}", ip: ${hostIp(host)}, groups: [web]}`),
      '',
    ].join('\n'));
    entry = await bundleEntry(join(import.meta.dirname, 'serve-entry.ts'));
    serve = net.spawn(net.namespaces[0] as string, process.execPath, [entry.file, '--home', paths.home, 'serve', '--http', `${serverIp}:8780`, '--rsync', `${serverIp}:8873`], {
      env: { ...process.env, SERVE_FLEET_FILE: join(work, 'fleet.json'), SERVE_OVERRIDES_DIR: paths.overridesDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    serve.stdout?.on('data', (chunk: Buffer) => (serveOutput += chunk.toString()));
    serve.stderr?.on('data', (chunk: Buffer) => (serveOutput += chunk.toString()));
    await eventually(() => (serveOutput.includes('rootcast serve: HTTP on') ? true : serve?.exitCode !== null ? (() => { throw new Error(serveOutput); })() : undefined), 'serve to start');

    // Each host enrolled as its install would have: the credential from POST /credential (from its own namespace).
    for (const [index, host] of names.entries()) {
      const { token } = await issueInstallToken(paths, host, { now: new Date(), lifetimeMs: 3_600_000, issuedBy: 'test' });
      const enrolled = await net.run(net.namespaces[index + 1] as string, 'curl', ['-sS', '-X', 'POST', '-H', `Authorization: Bearer ${token}`, `http://${serverIp}:8780/api/v1/hosts/${host}/credential`]);
      const credential = (JSON.parse(enrolled.stdout) as { credential: string }).credential;
      put(rootOf(host), 'etc/rootcast/client.json', JSON.stringify({ server: `http://${serverIp}:8780`, host, rsyncUser: `host.${host}` }));
      put(rootOf(host), 'etc/rootcast/host.key', `${credential}\n`);
      put(rootOf(host), 'etc/motd', 'installer motd\n');
    }
    clientKey = join(work, 'client_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', clientKey]);
    const publicKey = readFileSync(`${clientKey}.pub`, 'utf8');
    for (const host of ['h1', 'h2', 'h3']) sshds.push(await startNamespacedSshd(net.spawn, net.namespaces[names.indexOf(host) + 1] as string, hostIp(host), publicKey));
    // h3's known key is another machine's: a changed host key.
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(work, 'impostor')]);
    const impostor = readFileSync(join(work, 'impostor.pub'), 'utf8').trim().split(/\s+/);
    knownHosts = join(work, 'known_hosts');
    writeFileSync(knownHosts, [sshds[0]?.hostKeyLine, sshds[1]?.hostKeyLine, `${hostIp('h3')} ${impostor[0]} ${impostor[1]}`, ''].join('\n'));
  }, 180_000);

  afterAll(async () => {
    for (const sshd of sshds) await sshd.stop();
    if (serve !== undefined && serve.exitCode === null) {
      serve.kill('SIGKILL');
      await once(serve, 'exit');
    }
    if (paths !== undefined) for (const pid of findProcesses('rsync', '--daemon', join(paths.home, 'run', 'rsyncd.conf'))) process.kill(pid, 'SIGKILL');
    await net?.destroy();
    await entry?.remove();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  test('push to all: h1 and h2 updated (runner uploaded once), h3 refused for its host key, h4 unreachable; exit 1', async () => {
    const before = readFileSync(knownHosts, 'utf8');
    const pushed = await rootcast(['push', 'all', '--json']);
    expect(pushed.exitCode, pushed.stderr).toBe(1);
    const results = resolveHostResults(pushed.stdout);
    expect(results.get('h1')).toMatchObject({ result: 'updated', ref: 'web@2', rebootNeeded: false, uploaded: ['node', 'runner.cjs'] });
    expect(results.get('h2')).toMatchObject({ result: 'updated', ref: 'web@2' });
    expect(results.get('h3')).toMatchObject({ result: 'failed', code: 'HOST_KEY_MISMATCH' });
    expect(results.get('h3')?.message).toMatch(/host key of 10\.213\.\d+\.5 has changed/);
    expect(results.get('h4')).toMatchObject({ result: 'failed', code: 'UNREACHABLE' });
    for (const host of ['h1', 'h2']) {
      expect(managed(rootOf(host), imageLayout(paths).versionRoot('web', 2)), host).toEqual([]);
      expect((await readHostRecord(paths, host)).deployed).toMatchObject({ ref: 'web@2', via: 'push' });
    }
    // Nothing reached the bad hosts; known_hosts was only read.
    expect(existsSync(join(rootOf('h3'), 'etc/app.conf'))).toBe(false);
    expect(readFileSync(knownHosts, 'utf8')).toBe(before);

    // Again, as plain text: nothing left to change, nothing uploaded; the table names every host and why the bad ones failed.
    const again = await rootcast(['push', 'h[1-2]']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^h1\s+unchanged\s+web@2 -> web@2\s+0\s/m);
    expect(again.stderr).toMatch(/^h2 unchanged web@2 -> web@2, 0 files/m);
    expect(again.stderr).not.toMatch(/uploaded/);
    const table = await rootcast(['push', '@web']);
    expect(table.exitCode).toBe(1);
    expect(table.stdout).toMatch(/^HOST\s+RESULT\s+VERSION\s+FILES\s+BYTES\s+DURATION\s+REBOOT$/m);
    expect(table.stdout).toMatch(/^h3: \[HOST_KEY_MISMATCH\]/m);
    expect(table.stdout).toMatch(/^h4: \[UNREACHABLE\]/m);
    expect(table.stdout).toMatch(/4 hosts: 2 unchanged, 2 failed/);
  }, 300_000);

  test('--dry-run prints, byte for byte, what a push then sends to the host; it contacts none and changes nothing', async () => {
    // h1 loses its runner: the push hashes, uploads runner.cjs (not node) and records the digests again.
    rmSync(join(rootOf('h1'), 'usr/local/lib/rootcast/runner.cjs'));
    const recordFile = join(work, 'push-recording.json');
    const recorder = await bundleEntry(join(import.meta.dirname, 'push-record-entry.ts'));
    try {
      const args = [recorder.file, '--home', paths.home, 'push', 'h1', '--known-hosts', knownHosts, '--ssh-key', clientKey, '--target-root', join(hostsDir, '{host}')];
      const outcome = await net.run(net.namespaces[0] as string, process.execPath, args, { env: { RECORD_FILE: recordFile }, timeoutMs: 300_000 });
      expect(outcome.exitCode, outcome.stderr).toBe(0);
    } finally {
      await recorder.remove();
    }
    const recording = JSON.parse(readFileSync(recordFile, 'utf8')) as PushRecording;
    // The dry run contacted no host (the recording session was never opened) and exited 0.
    expect([recording.dryRun.status, recording.dryRun.contacted], recording.dryRun.stderr).toEqual([0, 0]);
    expect(recording.dryRun.text).toMatch(/^h1: root@10\.213\.\d+\.\d+:22 \(its host key checked against known_hosts first\)$/m);
    type Sent = { kind: 'run'; line: string } | { kind: 'upload'; local: string; remote: string; mode: number };
    const printed = recording.dryRun.text.split('\n').flatMap((row): Sent[] => {
      const line = /^ {2}ssh\$ (.*?)(?: {4}# .*)?$/.exec(row)?.[1];
      const upload = /^ {2}sftp: (\S+) -> (\S+) \(mode (\d+);/.exec(row);
      if (line !== undefined) return [{ kind: 'run' as const, line }];
      return upload === null ? [] : [{ kind: 'upload' as const, local: upload[1] ?? '', remote: upload[2] ?? '', mode: Number.parseInt(upload[3] ?? '', 8) }];
    });
    // The JSON plan holds the same commands.
    const planned = JSON.parse(recording.dryRun.json) as { host: string; steps: PushStep[] }[];
    expect(planned.map((host) => host.host)).toEqual(['h1']);
    expect(printed).toEqual((planned[0]?.steps ?? []).map((step): Sent =>
      step.kind === 'run' ? { kind: 'run', line: formatPlannedCommand(step.command) } : { kind: 'upload', local: step.upload.local, remote: step.upload.remote, mode: step.upload.mode }));
    expect(printed.map((entry) => (entry.kind === 'run' ? entry.line.split(' ')[0] : 'sftp'))).toEqual(['sh', 'sh', 'mkdir', 'sftp', 'sftp', 'sh', 'exec', 'sh']);
    // The real push: the first lines, the runner's upload (node is current) and the rest, but the look (no timeout).
    expect(resolveHostResults(recording.push.stdout).get('h1'), recording.push.stderr).toMatchObject({ result: 'unchanged', uploaded: ['runner.cjs'] });
    const sent = recording.sent.map(({ host: _, ...entry }) => entry);
    const isNodeUpload = (entry: (typeof printed)[number]): boolean => entry.kind === 'upload' && entry.remote.endsWith('/node');
    expect(sent).toEqual(printed.filter((entry) => !isNodeUpload(entry)).slice(0, -1));
    expect(printed.at(-1)).toMatchObject({ kind: 'run', line: expect.stringMatching(/^sh -c 'm=/) });
    expect(existsSync(join(rootOf('h1'), 'usr/local/lib/rootcast/runner.cjs'))).toBe(true);
  }, 300_000);

  test('drift: in sync, then a local edit shows as drift (exit 1) without being repaired', async () => {
    const clean = await rootcast(['drift', 'h1,h2', '--json']);
    expect(clean.exitCode, clean.stdout).toBe(0);
    expect([...resolveHostResults(clean.stdout).values()].map((result) => [result.host, result.result, result.files])).toEqual([['h1', 'in-sync', 0], ['h2', 'in-sync', 0]]);
    writeFileSync(join(rootOf('h2'), 'etc/motd'), 'edited by hand\n');
    const drifted = await rootcast(['drift', 'h1,h2', '--json']);
    expect(drifted.exitCode).toBe(1);
    expect(resolveHostResults(drifted.stdout).get('h2')).toMatchObject({ result: 'drifted', files: 1 });
    expect(readFileSync(join(rootOf('h2'), 'etc/motd'), 'utf8')).toBe('edited by hand\n');
    // A spec that names nothing is an error before anything is contacted.
    const nothing = await rootcast(['drift', 'nosuchhost']);
    expect(nothing.exitCode).toBe(66);
    expect(nothing.stderr).toMatch(/not in the inventory .*: nosuchhost/);
  }, 300_000);

  test('--timeout while the update runs: TIMEOUT naming the running update (a fresh look); it goes on without push, refuses a second one, and finishes', async () => {
    const ns = net.namespaces[names.indexOf('h2') + 1] as string;
    const root = rootOf('h2');
    const layer = join(paths.overridesDir, 'host', 'h2');
    const updates = (): number[] => findProcesses('runner.cjs', 'update', '--image', 'web@3', root);
    // h2 has node and the runner first (no limit yet).
    const ready = await rootcast(['push', 'h2']);
    expect(ready.exitCode, ready.stderr).toBe(0);
    try {
      // A host layer: after the slow image pass the update still has a pass to start (and a line to print).
      put(layer, 'etc/h2.conf', 'from the host layer\n');
      try {
        // 1 Mbit/s: web@3's 16 MiB take minutes, far beyond the 30 s push waits.
        await net.shape(ns, 1);
        const pushed = await rootcast(['push', 'h2', '--image', 'web@3', '--json'], 30);
        expect(pushed.exitCode, pushed.stderr).toBe(1);
        const result = resolveHostResults(pushed.stdout).get('h2');
        expect(result).toMatchObject({ result: 'failed', code: 'TIMEOUT' });
        const running = /^no result within --timeout 30 s: the update to web@3 is still running on h2 \(PID (\d+) holds \/run\/rootcast\/update-[0-9a-f]{16}\.lock\) and goes on without push; see rootcast host show h2 .*refused with LOCKED\)$/.exec(result?.message ?? '');
        expect(running, result?.message).not.toBeNull();
        // The PID the look found is the update push started; push closing its session did not end it.
        expect(updates()).toEqual([Number(running?.[1])]);
        expect(existsSync(join(root, 'etc/rootcast/update-in-progress'))).toBe(true);
        // Re-running push meanwhile: the running update holds the lock, the second one is refused.
        const second = await rootcast(['push', 'h2', '--image', 'web@3', '--json']);
        expect(resolveHostResults(second.stdout).get('h2'), second.stderr).toMatchObject({ result: 'failed', code: 'LOCKED' });
      } finally {
        await net.shape(ns, 10_000);
      }
      // With the link free again it finishes on its own, both passes (its output has no reader any more), and tells serve.
      await eventually(() => (updates().length === 0 ? true : undefined), 'the pushed update to end', 1200);
      expect(existsSync(join(root, 'etc/rootcast/update-in-progress'))).toBe(false);
      expect(readFileSync(join(root, 'etc/h2.conf'), 'utf8')).toBe('from the host layer\n');
      expect(readFileSync(join(root, 'opt/big.bin')).length).toBe(bigFileBytes);
      expect((JSON.parse(readFileSync(join(root, 'etc/rootcast/deployed.json'), 'utf8')) as { current: { ref: string; via: string } }).current).toMatchObject({ ref: 'web@3', via: 'push' });
      expect((await readHostRecord(paths, 'h2')).last).toMatchObject({ result: 'succeeded', ref: 'web@3', from: 'web@2', via: 'push' });
    } finally {
      await rm(layer, { recursive: true, force: true });
    }
  }, 300_000);
});

const resolveHostResults = (stdout: string): Map<string, HostPushResult> => new Map((JSON.parse(stdout) as HostPushResult[]).map((result) => [result.host, result]));

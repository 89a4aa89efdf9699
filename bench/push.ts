/**
 * bench/push: `rootcast push all` of a one-file change to 32 hosts, each a network namespace with its own
 * sshd and a directory root, against the loop admins write today, run from the same (server) namespace:
 *   for h in …; do ssh root@h "RSYNC_PASSWORD=… rsync -aHAXS --numeric-ids --delete rsync://…/img.web.N/ ROOT/"; done
 * (the same transfer from the same daemon module, one host after another). Rounds alternate the direction
 * (web@1 → web@2 by push, back by the loop, and the other way round) so every run moves exactly one file per
 * host. Hosts already have node and the runner (a second push uploads nothing). Asserts nothing.
 *
 *   npm run bench:push                 # 32 hosts, 3 rounds each way
 *   BENCH_HOSTS=8 BENCH_REPEATS=1 npm run bench:push
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { issueInstallToken } from '../src/credentials/issue-token.js';
import { resolveHomePaths } from '../src/home/paths.js';
import { hostRunnerDir } from '../src/protocol/update-protocol.js';
import { bundleEntry } from '../test/helpers/bundle-entry.js';
import { addVersion } from '../test/helpers/image-builder.js';
import { createTestNetwork } from '../test/helpers/netns.js';
import { findProcesses } from '../test/helpers/runner-harness.js';
import { chrootParent, startNamespacedSshd, type NamespacedSshd } from '../test/helpers/sshd.js';

const hostCount = Number(process.env['BENCH_HOSTS'] ?? '32');
const repeats = Number(process.env['BENCH_REPEATS'] ?? '3');
const dist = join(import.meta.dirname, '..');
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const fmt = (values: number[]): string => `${median(values).toFixed(2)} s (runs ${values.map((v) => v.toFixed(2)).join(' ')})`;

const main = async (): Promise<void> => {
  const work = mkdtempSync(join(tmpdir(), 'rootcast-bench-push-'));
  mkdirSync(chrootParent, { recursive: true, mode: 0o755 });
  const paths = resolveHomePaths({ home: join(work, 'home') });
  const names = Array.from({ length: hostCount }, (_, index) => `h${String(index + 1).padStart(2, '0')}`);
  const net = await createTestNetwork(hostCount + 1, `rcb${process.pid}`);
  const sshds: NamespacedSshd[] = [];
  let serve: ChildProcess | undefined;
  const entry = await bundleEntry(join(dist, '../test/integration/serve-entry.ts'));
  try {
    const golden = join(work, 'golden');
    for (let index = 0; index < 2000; index += 1) {
      const dir = join(golden, 'usr/share/bench', `d${Math.floor(index / 100)}`);
      if (index % 100 === 0) mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `f${index}`), `file ${index}\n`);
    }
    mkdirSync(join(golden, 'usr/local/lib'), { recursive: true });
    mkdirSync(join(golden, 'etc'), { recursive: true });
    for (const version of [1, 2]) {
      writeFileSync(join(golden, 'etc/app.conf'), `version ${version}\n`);
      execFileSync('find', [golden, '-exec', 'touch', '-h', '-d', `2020-01-0${version}T00:00:00Z`, '{}', '+']);
      await addVersion(paths, 'web', golden);
    }
    const serverNs = net.namespaces[0] as string;
    const serverIp = net.addresses[0] as string;
    const ipOf = (index: number): string => net.addresses[index + 1] as string;
    writeFileSync(join(work, 'fleet.json'), JSON.stringify({ hosts: names.map((name, index) => ({ name, macs: [], ip: ipOf(index), imageRef: 'web@2' })) }));
    writeFileSync(paths.inventoryFile, ['groups:', '  web: {image: web@2}', 'hosts:', ...names.map((name, index) => `  ${name}: {ip: ${ipOf(index)}, groups: [web]}`), ''].join('\n'));
    let output = '';
    serve = net.spawn(serverNs, process.execPath, [entry.file, '--home', paths.home, 'serve', '--http', `${serverIp}:8780`, '--rsync', `${serverIp}:8873`], {
      env: { ...process.env, SERVE_FLEET_FILE: join(work, 'fleet.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    serve.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    serve.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    for (let wait = 0; wait < 200 && !output.includes('HTTP on'); wait += 1) await sleep(50);
    if (!output.includes('HTTP on')) throw new Error(`serve did not start: ${output}`);

    const key = join(work, 'client_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const knownHosts = join(work, 'known_hosts');
    const roots = names.map((name) => join(work, 'hosts', name));
    for (const [index, name] of names.entries()) {
      const { token } = await issueInstallToken(paths, name, { now: new Date(), lifetimeMs: 3_600_000, issuedBy: 'bench' });
      const enrolled = await net.run(net.namespaces[index + 1] as string, 'curl', ['-sS', '-X', 'POST', '-H', `Authorization: Bearer ${token}`, `http://${serverIp}:8780/api/v1/hosts/${name}/credential`]);
      const root = roots[index] as string;
      mkdirSync(join(root, 'etc/rootcast'), { recursive: true });
      writeFileSync(join(root, 'etc/rootcast/client.json'), JSON.stringify({ server: `http://${serverIp}:8780`, host: name, rsyncUser: `host.${name}` }));
      writeFileSync(join(root, 'etc/rootcast/host.key'), `${(JSON.parse(enrolled.stdout) as { credential: string }).credential}\n`);
      // The host already has node and the runner (what a first push uploads): node by symlink, same digest.
      mkdirSync(join(root, hostRunnerDir), { recursive: true });
      symlinkSync(process.execPath, join(root, hostRunnerDir, 'node'));
      copyFileSync(join(dist, 'runner.cjs'), join(root, hostRunnerDir, 'runner.cjs'));
      sshds.push(await startNamespacedSshd(net.spawn, net.namespaces[index + 1] as string, ipOf(index), readFileSync(`${key}.pub`, 'utf8')));
    }
    writeFileSync(knownHosts, `${sshds.map((sshd) => sshd.hostKeyLine).join('\n')}\n`);
    const rootcast = (args: string[]) => net.run(serverNs, process.execPath, [join(dist, 'rootcast.mjs'), '--home', paths.home, ...args, '--known-hosts', knownHosts, '--ssh-key', key, '--target-root', join(work, 'hosts', '{host}'), '--concurrency', '32'], { timeoutMs: 900_000 });
    const first = await rootcast(['push', 'all', '--image', 'web@1', '--json']);
    if (first.exitCode !== 0) throw new Error(`first push failed: ${first.stdout}${first.stderr}`);
    const loopScript = (version: number): string => [
      'set -e',
      ...names.map((name, index) => `ssh -i ${key} -o BatchMode=yes -o UserKnownHostsFile=${knownHosts} root@${ipOf(index)} 'RSYNC_PASSWORD=$(cat ${roots[index]}/etc/rootcast/host.key) rsync -aHAXS --numeric-ids --delete --exclude=/etc/rootcast/ --exclude=${hostRunnerDir}/ rsync://host.${name}@${serverIp}:8873/img.web.${version}/ ${roots[index]}/'`),
    ].join('\n');
    const timedRun = async (run: () => Promise<{ exitCode: number; stdout: string; stderr: string }>, what: string): Promise<number> => {
      const start = performance.now();
      const outcome = await run();
      const seconds = (performance.now() - start) / 1000;
      if (outcome.exitCode !== 0) throw new Error(`${what} failed: ${outcome.stdout.slice(-2000)}${outcome.stderr.slice(-2000)}`);
      return seconds;
    };
    const times = { push: [] as number[], loop: [] as number[] };
    console.log(`bench/push: ${hostCount} hosts, ${repeats} rounds each way, load ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
    for (let round = 0; round < repeats; round += 1) {
      // Hosts are at web@1: push moves them to web@2, the loop back to web@1 (one file each time).
      times.push.push(await timedRun(() => rootcast(['push', 'all', '--image', 'web@2', '--json']), 'push'));
      times.loop.push(await timedRun(() => net.run(serverNs, 'sh', ['-c', loopScript(1)], { timeoutMs: 900_000 }), 'ssh loop'));
    }
    console.log(`rootcast push (concurrency 32): ${fmt(times.push)}`);
    console.log(`sequential ssh + rsync loop:    ${fmt(times.loop)}`);
    console.log(`speed-up (medians): ${(median(times.loop) / median(times.push)).toFixed(1)}×; target ≥ 10×`);
    console.log(`load after: ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  } finally {
    for (const sshd of sshds) await sshd.stop();
    if (serve !== undefined && serve.exitCode === null) {
      serve.kill('SIGKILL');
      await once(serve, 'exit');
    }
    for (const pid of findProcesses('rsync', '--daemon', join(paths.home, 'run', 'rsyncd.conf'))) process.kill(pid, 'SIGKILL');
    await net.destroy();
    await entry.remove();
    rmSync(work, { recursive: true, force: true });
  }
};

await main();

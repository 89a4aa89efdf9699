/**
 * npm run demo — the whole rootcast story on one machine, all on 127.0.0.1:
 * capture a golden client over SSH twice, compare the versions, describe a fleet, print a kickstart,
 * then serve the image and let the runner deploy it onto a "freshly installed" root.
 * Runs as root on Debian; everything lives under DEMO_DIR (default /tmp/rootcast-demo) and is removed
 * at the start of the next run. Processes it starts are stopped by PID before it exits.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildMinimalRoot, goldenClientPrograms } from '../test/helpers/minimal-root.js';
import { makeChrootDir, startSshd, type TestSshd } from '../test/helpers/sshd.js';
import { freePort } from '../src/sys/free-port.js';

const demoDir = process.env['DEMO_DIR'] ?? '/tmp/rootcast-demo';
const home = join(demoDir, 'home');
const cli = join(import.meta.dirname, '../rootcast.mjs');
const bold = (text: string): string => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);

const say = (text: string): void => console.log(`\n${bold(`== ${text}`)}`);

/** Runs `rootcast ARGS` as a user would, echoing the command line; returns stdout. */
const rootcast = (args: string[], options: { quiet?: boolean } = {}): string => {
  console.log(bold(`$ rootcast ${args.map((arg) => (/^[\w@%+=:,./[\]-]+$/.test(arg) ? arg : `'${arg}'`)).join(' ')}`));
  const result = spawnSync(process.execPath, [cli, '--home', home, ...args], { encoding: 'utf8' });
  if (options.quiet !== true) process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  if (result.status !== 0) throw new Error(`rootcast ${args.join(' ')} exited ${result.status}`);
  return result.stdout;
};

const waitForHealth = async (url: string): Promise<void> => {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const healthy = await fetch(url).then((response) => response.ok, () => false);
    if (healthy) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`rootcast serve did not answer on ${url}`);
};

/** A small golden machine: real sh and rsync, plus the configuration an admin tuned by hand. */
const buildGolden = (root: string): void => {
  buildMinimalRoot(root, goldenClientPrograms());
  mkdirSync(join(root, 'etc/nginx'), { recursive: true });
  mkdirSync(join(root, 'etc/ssh'), { recursive: true });
  mkdirSync(join(root, 'boot'), { recursive: true });
  mkdirSync(join(root, 'var/log'), { recursive: true });
  writeFileSync(join(root, 'etc/os-release'), 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n');
  writeFileSync(join(root, 'etc/hostname'), 'golden\n');
  writeFileSync(join(root, 'etc/machine-id'), '0123456789abcdef0123456789abcdef\n');
  writeFileSync(join(root, 'etc/ssh/ssh_host_ed25519_key'), '-----BEGIN OPENSSH PRIVATE KEY-----\ngolden-only\n-----END OPENSSH PRIVATE KEY-----\n', { mode: 0o600 });
  writeFileSync(join(root, 'etc/motd'), 'Welcome to the web tier.\n');
  writeFileSync(join(root, 'etc/nginx/nginx.conf'), 'worker_processes auto;\nevents { worker_connections 1024; }\n');
  writeFileSync(join(root, 'boot/vmlinuz-6.1.0-demo'), 'not really a kernel\n');
};

const main = async (): Promise<void> => {
  rmSync(demoDir, { recursive: true, force: true });
  mkdirSync(demoDir, { recursive: true });
  const golden = makeChrootDir();
  let sshd: TestSshd | undefined;
  let serve: ChildProcess | undefined;
  try {
    say('1. A golden client: a real sshd on 127.0.0.1, chrooted into a small hand-tuned root');
    buildGolden(golden);
    sshd = await startSshd(golden);
    const knownHosts = join(demoDir, 'known_hosts');
    const source = `root@127.0.0.1:${sshd.port}`;
    const sshArgs = ['--ssh-key', sshd.clientKeyPath, '--known-hosts', knownHosts];
    console.log(`golden client ${source} (root ${golden})`);

    say('2. Capture it (host key trusted on first use; identity files left behind)');
    rootcast(['capture', source, '--image', 'web', ...sshArgs, '--accept-new-host-key']);

    say('3. The admin tunes the golden client again; capture only moves what changed');
    writeFileSync(join(golden, 'etc/nginx/nginx.conf'), 'worker_processes 4;\nevents { worker_connections 4096; }\n');
    appendFileSync(join(golden, 'etc/motd'), 'Managed by rootcast.\n');
    rootcast(['capture', source, '--image', 'web', ...sshArgs]);
    rootcast(['image', 'list']);
    rootcast(['image', 'diff', 'web@1', 'web@2', '--text']);
    rootcast(['image', 'tag', 'web@2', 'stable']);

    say('4. Describe the fleet');
    const [httpPort, rsyncPort] = [await freePort(), await freePort()];
    writeFileSync(join(home, 'rootcast.yaml'), [
      '# rootcast demo inventory',
      `server: {url: "http://127.0.0.1:${httpPort}"}`,
      'install: {distro: rocky9, timezone: Etc/UTC}',
      'networks:',
      '  lab: {subnet: 10.0.0.0/24, gateway: 10.0.0.1, dns: [10.0.0.1], domain: lab.example}',
      '',
    ].join('\n'));
    rootcast(['group', 'add', 'web', '--image', 'web@stable', '--network', 'lab']);
    rootcast(['host', 'add', 'web[01-03]', '--group', 'web', '--ip', '10.0.0.11']);
    rootcast(['host', 'add', 'demo01', '--image', 'web@stable', '--ip', '127.0.0.1']);
    rootcast(['host', 'list']);
    rootcast(['inventory', 'check']);

    say('5. The kickstart Anaconda gets for web01 (static address, install token, image web@2)');
    rootcast(['kickstart', 'web01']);

    say('6. Serve the image, and let the runner deploy it onto a freshly installed root');
    serve = spawn(process.execPath, [cli, '--home', home, 'serve', '--http', `127.0.0.1:${httpPort}`, '--rsync', `127.0.0.1:${rsyncPort}`], { stdio: ['ignore', 'ignore', openSync(join(demoDir, 'serve.log'), 'w')] });
    await waitForHealth(`http://127.0.0.1:${httpPort}/healthz`);
    const installed = join(demoDir, 'installed-root');
    buildMinimalRoot(installed);
    writeFileSync(join(installed, 'etc/fstab'), '# written by the installer: kept by the deploy\nUUID=demo / ext4 defaults 0 1\n');
    // The runner presents the install token its host's answer file carries.
    const token = /ROOTCAST_TOKEN=(\S+)/.exec(rootcast(['kickstart', 'demo01'], { quiet: true }))?.[1];
    if (token === undefined) throw new Error('no install token in the kickstart');
    const runnerArgs = ['runner', '--target', installed, '--server', `http://127.0.0.1:${httpPort}`, '--host', 'demo01'];
    console.log(bold(`$ unshare -m --propagation private  # a private mount namespace: the target is bind-mounted onto itself, as an installer mounts it`));
    console.log(bold(`$ ROOTCAST_TOKEN=<token from the answer file> rootcast ${runnerArgs.join(' ')}`));
    const runner = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', 'mount --bind "$1" "$1" && shift && exec "$@"', 'sh', installed, process.execPath, cli, ...runnerArgs], { stdio: 'inherit', env: { ...process.env, ROOTCAST_TOKEN: token } });
    if (runner.status !== 0) throw new Error(`the runner exited ${runner.status}`);

    say('7. The result: the installed root now is web@2, except what the install must keep');
    const check = spawnSync('rsync', ['-naHAXSc', '--delete', '--itemize-changes', '--exclude=/etc/fstab', '--exclude=/var/log/rootcast/', '--exclude=/etc/rootcast/', `${home}/images/web/2/root/`, `${installed}/`], { encoding: 'utf8' });
    console.log(check.stdout.trim() === '' ? 'rsync -n --itemize-changes image → target: no differences' : check.stdout);
    // The install token is spent now; the host credential the runner left on the target reads the host's events.
    const credential = readFileSync(join(installed, 'etc/rootcast/host.key'), 'utf8').trim();
    const events = (await (await fetch(`http://127.0.0.1:${httpPort}/api/v1/hosts/demo01/events`, { headers: { authorization: `Bearer ${credential}` } })).json()) as { phase: string; status: string }[];
    console.log(`serve recorded ${events.length} events from demo01: ${events.filter((event) => event.status !== 'started' && event.status !== 'progress').map((event) => `${event.phase} ${event.status}`).join(', ')}`);
    console.log(`kept /etc/fstab: ${spawnSync('cat', [join(installed, 'etc/fstab')], { encoding: 'utf8' }).stdout.split('\n')[0]}`);
    say('8. serve recorded the deployment: web@2 is now protected from removal');
    rootcast(['image', 'show', 'web@2']);
    rootcast(['host', 'show', 'demo01']);
    console.log(`\nDone. Everything is under ${demoDir}; re-run any command above with --home ${home}.`);
  } finally {
    serve?.kill('SIGTERM');
    await sshd?.stop();
    rmSync(golden, { recursive: true, force: true });
  }
};

await main();

/**
 * npm run demo — the whole rootcast story on one machine, all on 127.0.0.1:
 * capture a golden client over SSH twice, compare the versions, describe a fleet, print a preseed,
 * then serve the image and let the runner deploy it onto a "freshly installed" root.
 * Runs as root on Debian; everything lives under DEMO_DIR (default /tmp/rootcast-demo), except the
 * golden root (see goldenRoot), and stays there after the demo so every printed command can be pasted
 * again; both are removed at the start of the next run. Processes it starts are stopped by PID before it exits.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildMinimalRoot, goldenClientPrograms } from '../test/helpers/minimal-root.js';
import { writeNetworkdFootprint } from '../test/helpers/network-footprint.js';
import { startSshd, type TestSshd } from '../test/helpers/sshd.js';
import { formatCommandLine } from '../src/sys/command-line.js';
import { freePort } from '../src/sys/free-port.js';

const demoDir = process.env['DEMO_DIR'] ?? '/tmp/rootcast-demo';
const home = join(demoDir, 'home');
/** sshd refuses a ChrootDirectory below a world-writable directory such as /tmp, so the golden root lives here. */
const goldenRoot = '/var/cache/rootcast-demo/golden';
const sshdDir = join(demoDir, 'golden-sshd');
const cli = join(import.meta.dirname, '../rootcast.mjs');
const bold = (text: string): string => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text);

const say = (text: string): void => console.log(`\n${bold(`== ${text}`)}`);

/** Echoes a command exactly as it can be pasted into a shell after the demo. */
const show = (commandLine: string): void => console.log(bold(`$ ${commandLine}`));

/** Runs `rootcast --home HOME ARGS` as a user would, echoing the command line; returns stdout. */
const rootcast = (args: string[], options: { quiet?: boolean } = {}): string => {
  const argv = ['--home', home, ...args];
  show(formatCommandLine('rootcast', argv));
  const result = spawnSync(process.execPath, [cli, ...argv], { encoding: 'utf8' });
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

/** A small golden machine: real sh and rsync, systemd-networkd's footprint (what identity writes the network for), plus the configuration an admin tuned by hand. */
const buildGolden = async (root: string): Promise<void> => {
  buildMinimalRoot(root, goldenClientPrograms());
  mkdirSync(join(root, 'etc/nginx'), { recursive: true });
  mkdirSync(join(root, 'etc/ssh'), { recursive: true });
  mkdirSync(join(root, 'boot'), { recursive: true });
  mkdirSync(join(root, 'var/log'), { recursive: true });
  // What every real root has: /sys (the runner binds it into the target for chrooted commands), /usr/local/lib (first-boot script).
  mkdirSync(join(root, 'sys'), { recursive: true });
  mkdirSync(join(root, 'usr/local/lib'), { recursive: true });
  writeFileSync(join(root, 'etc/os-release'), 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n');
  writeFileSync(join(root, 'etc/hostname'), 'golden\n');
  writeFileSync(join(root, 'etc/machine-id'), '0123456789abcdef0123456789abcdef\n');
  writeFileSync(join(root, 'etc/ssh/ssh_host_ed25519_key'), '-----BEGIN OPENSSH PRIVATE KEY-----\ngolden-only\n-----END OPENSSH PRIVATE KEY-----\n', { mode: 0o600 });
  writeFileSync(join(root, 'etc/motd'), 'Welcome to the web tier.\n');
  writeFileSync(join(root, 'etc/nginx/nginx.conf'), 'worker_processes auto;\nevents { worker_connections 1024; }\n');
  writeFileSync(join(root, 'boot/vmlinuz-6.1.0-demo'), 'not really a kernel\n');
  await writeNetworkdFootprint(root);
};

/** How to run `rootcast` in a shell here: on PATH after the README's `npm install -g .`, else through npx in the clone. */
const rootcastOnPath = (): boolean => spawnSync('sh', ['-c', 'command -v rootcast'], { stdio: 'ignore' }).status === 0;

const main = async (): Promise<void> => {
  rmSync(demoDir, { recursive: true, force: true });
  rmSync(goldenRoot, { recursive: true, force: true });
  mkdirSync(demoDir, { recursive: true });
  mkdirSync(goldenRoot, { recursive: true, mode: 0o755 });
  const golden = goldenRoot;
  let sshd: TestSshd | undefined;
  let serve: ChildProcess | undefined;
  try {
    say('1. A golden client: a real sshd on 127.0.0.1, chrooted into a small hand-tuned root');
    await buildGolden(golden);
    sshd = await startSshd(golden, { dir: sshdDir });
    const knownHosts = join(demoDir, 'known_hosts');
    const source = `root@127.0.0.1:${sshd.port}`;
    const sshArgs = ['--ssh-key', sshd.clientKeyPath, '--known-hosts', knownHosts];
    console.log(`golden client ${source} (root ${golden}, sshd config ${join(sshdDir, 'sshd_config')})`);

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
    console.log(`(wrote ${join(home, 'rootcast.yaml')}: where serve listens, install defaults, one network, the image's network card; the commands below add the rest)`);
    writeFileSync(join(home, 'rootcast.yaml'), [
      '# rootcast demo inventory',
      `server: {url: "http://127.0.0.1:${httpPort}"}`,
      // The golden client is Debian, so its hosts install with debian-installer (a RHEL installer's boot commands would not fit the image).
      'install: {distro: debian12, timezone: Etc/UTC}',
      'networks:',
      '  lab: {subnet: 10.0.0.0/24, gateway: 10.0.0.1, dns: [10.0.0.1], domain: lab.example}',
      '# the card a static host\'s address goes on (hosts without a MAC; docs/identity.md)',
      'images:',
      '  web: {identity: {interface: enp1s0}}',
      '',
    ].join('\n'));
    rootcast(['group', 'add', 'web', '--image', 'web@stable', '--network', 'lab']);
    rootcast(['host', 'add', 'web[01-03]', '--group', 'web', '--ip', '10.0.0.11']);
    rootcast(['host', 'add', 'demo01', '--image', 'web@stable', '--ip', '127.0.0.1']);
    rootcast(['host', 'list']);
    rootcast(['inventory', 'check']);

    say('5. The preseed debian-installer gets for web01 (static address, install token, image web@2)');
    rootcast(['preseed', 'web01']);

    say('6. Serve the image, and let the runner deploy it onto a freshly installed root');
    const serveLog = join(demoDir, 'serve.log');
    const serveArgs = ['--home', home, 'serve', '--http', `127.0.0.1:${httpPort}`, '--rsync', `127.0.0.1:${rsyncPort}`];
    show(`${formatCommandLine('rootcast', serveArgs)} 2>${serveLog} &`);
    serve = spawn(process.execPath, [cli, ...serveArgs], { stdio: ['ignore', 'ignore', openSync(serveLog, 'w')] });
    await waitForHealth(`http://127.0.0.1:${httpPort}/healthz`);
    const installed = join(demoDir, 'installed-root');
    buildMinimalRoot(installed);
    writeFileSync(join(installed, 'etc/fstab'), '# written by the installer: kept by the deploy\nUUID=demo / ext4 defaults 0 1\n');
    // The runner presents the install token its host's answer file carries; a 0600 file keeps it off argv.
    const tokenFile = join(demoDir, 'demo01.token');
    const token = /ROOTCAST_TOKEN=(\S+)/.exec(rootcast(['preseed', 'demo01'], { quiet: true }))?.[1];
    if (token === undefined) throw new Error('no install token in the preseed');
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    console.log(`(its ROOTCAST_TOKEN=... written to ${tokenFile}, mode 0600)`);
    // This root has no kernel and sits on no disk of its own: the boot loader phase is skipped.
    const runnerArgs = ['runner', '--target', installed, '--server', `http://127.0.0.1:${httpPort}`, '--host', 'demo01', '--token-file', tokenFile, '--no-bootloader'];
    // A private mount namespace in which the target is bind-mounted onto itself, as an installer mounts it.
    const bindAndRun = `mount --bind ${installed} ${installed} && exec "$@"`;
    show(`unshare -m --propagation private sh -c '${bindAndRun}' sh ${formatCommandLine('rootcast', runnerArgs)}`);
    const runner = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', bindAndRun, 'sh', process.execPath, cli, ...runnerArgs], { stdio: 'inherit' });
    if (runner.status !== 0) throw new Error(`the runner exited ${runner.status}`);

    say('7. The result: the installed root now is web@2, except what the install keeps and the host\'s own identity');
    // Kept: the installer's fstab. The host's own: identity (host name, hosts, network from serve's identity layer;
    // the machine id the runner made), the runner's log, credential and deployed.json, the first-boot report.
    const ownPaths = ['/etc/fstab', '/var/log/rootcast/', '/etc/rootcast/', '/etc/hostname', '/etc/hosts', '/etc/machine-id', '/etc/systemd/network/',
      '/usr/local/lib/rootcast/', '/etc/systemd/system/rootcast-firstboot.service', '/etc/systemd/system/multi-user.target.wants/rootcast-firstboot.service'];
    const check = spawnSync('rsync', ['-naHAXSc', '--delete', '--itemize-changes', ...ownPaths.map((path) => `--exclude=${path}`), `${home}/images/web/2/root/`, `${installed}/`], { encoding: 'utf8' });
    console.log(check.stdout.trim() === '' ? 'rsync -n --itemize-changes image → target: no differences besides the host\'s own files' : check.stdout);
    if (check.stdout.trim() !== '') throw new Error('the deployed root differs from the image');
    const read = (path: string): string => readFileSync(join(installed, path), 'utf8');
    console.log(`its own: /etc/hostname ${read('etc/hostname').trim()}, /etc/machine-id ${read('etc/machine-id').trim()}, network ${spawnSync('ls', [join(installed, 'etc/systemd/network')], { encoding: 'utf8' }).stdout.trim()}`);
    console.log(`deployed.json: ${JSON.stringify((JSON.parse(read('etc/rootcast/deployed.json')) as { current: unknown }).current)}`);
    // The install token is spent now; the host credential the runner left on the target reads the host's events.
    const credential = readFileSync(join(installed, 'etc/rootcast/host.key'), 'utf8').trim();
    const page = (await (await fetch(`http://127.0.0.1:${httpPort}/api/v1/hosts/demo01/events`, { headers: { authorization: `Bearer ${credential}` } })).json()) as { events: { kind: string; phase?: string; status?: string }[] };
    const events = page.events.filter((event) => event.kind === 'phase');
    console.log(`serve recorded ${events.length} events from demo01: ${events.filter((event) => event.status !== 'started' && event.status !== 'progress').map((event) => `${event.phase} ${event.status}`).join(', ')}`);
    console.log(`kept /etc/fstab: ${spawnSync('cat', [join(installed, 'etc/fstab')], { encoding: 'utf8' }).stdout.split('\n')[0]}`);
    say('8. serve recorded the deployment: web@2 is now protected from removal');
    rootcast(['image', 'show', 'web@2']);
    rootcast(['host', 'show', 'demo01']);
    printClosingAdvice(join(sshdDir, 'sshd_config'), join(sshdDir, 'sshd.pid'));
  } finally {
    serve?.kill('SIGTERM');
    await sshd?.stop();
  }
};

/** What to start before pasting the printed commands again: the demo stops the servers they talk to. */
const printClosingAdvice = (sshdConfig: string, sshdPid: string): void => {
  console.log(`\nDone. Everything stays under ${demoDir} (the golden root under ${goldenRoot}) until the next run; every $ command above can be pasted again.`);
  console.log('The demo stopped its two servers. Start them first for the commands that need them:');
  console.log(`  captures:  mkdir -p /run/sshd && /usr/sbin/sshd -f ${sshdConfig}      (stop it: kill $(cat ${sshdPid}))`);
  console.log('  runner:    the "rootcast ... serve ... &" line above                   (stop it: kill %1)');
  console.log(`             the token in ${join(demoDir, 'demo01.token')} is spent (its install reported done): write a new one first with`);
  console.log(`             rootcast --home ${join(demoDir, 'home')} preseed demo01 | sed -n 's/.*ROOTCAST_TOKEN=\\([^ ]*\\).*/\\1/p' > ${join(demoDir, 'demo01.token')}`);
  if (!rootcastOnPath()) {
    console.log(`rootcast is not on your PATH: run "npm install -g ." in ${join(import.meta.dirname, '../..')} (see README.md), or write "npx rootcast" instead of "rootcast" inside that directory.`);
  }
};

await main();

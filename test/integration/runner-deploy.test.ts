import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runnerPhases } from '../../src/protocol/deploy-protocol.js';
import { loadDistroProfilesSync } from '../../src/answer/load-distro-profiles.js';
import { findPackageRoot } from '../../src/package/package-root.js';
import { readHostStatus } from '../../src/state/event-read.js';
import type { StoredPhaseEvent } from '../helpers/stored-events.js';
import { ensureDebootstrapRoot, imageRootRecipe, installedRootRecipe } from '../helpers/debootstrap-cache.js';
import { startServeForTests, type ServeForTests } from '../helpers/serve-for-tests.js';
import { runBinary } from '../helpers/cli.js';
import { buildRunnerBundle, diffTrees, findProcesses, runBundle } from '../helpers/runner-harness.js';
import { snapshotTree } from '../helpers/tree-snapshot.js';
import { bundleEntry } from '../helpers/bundle-entry.js';
import { printedCommandLines, unwrapSpawn, type PrintedLine } from '../helpers/recording-exec.js';
import { formatPlannedCommand, type PlannedCommand } from '../../src/sys/planned-command.js';
import { commandsOfStep, type Step } from '../../src/runner/steps.js';
import { inventoryServeWiring } from '../../src/cli/commands/serve-wiring.js';
import { resolveHomePaths, type HomePaths } from '../../src/home/paths.js';
import type { RenderAnswerFile } from '../../src/server/serve-snapshot.js';
import { buildContext } from '../../src/cli/context.js';
import { answerFileToken, earlyCommand, runEarlyCommand } from '../helpers/installer-scripts.js';
import type { Recording } from './runner-record-entry.js';

const run = promisify(execFile);
const keepPaths = ['/etc/fstab', '/etc/crypttab', '/boot/efi'];
// The runner's own log, the host credential and deployed.json, the first-boot report and the installer's
// machine id (this image has no sshd, so no host keys) are the paths besides keepPaths the image does not decide.
const firstBootPaths = ['/usr/local/lib/rootcast/', '/etc/systemd/system/rootcast-firstboot.service', '/etc/systemd/system/multi-user.target.wants/rootcast-firstboot.service'];
const notFromImage = [...keepPaths, '/var/log/rootcast/', '/etc/rootcast/', '/etc/machine-id', ...firstBootPaths];
// How each phase of this deploy ends: serve has no layers for web07, and the runner runs with --no-bootloader.
const phaseEnd = (phase: string): string => (phase === 'overrides' || phase === 'bootloader' ? 'skipped' : 'succeeded');
const planPhases = runnerPhases.filter((phase) => phase !== 'done');
const installedFstab = 'UUID=1234 / ext4 defaults 0 1\n';

/** serve's own answer files, rendered from the inventory under `paths` as `rootcast serve` renders them (read at each request). */
const inventoryRenderer = (paths: HomePaths): RenderAnswerFile => {
  const quiet = { write: () => true };
  const load = inventoryServeWiring().loadSnapshot(buildContext({ optsWithGlobals: () => ({ home: paths.home }) }, { stdout: quiet, stderr: quiet, env: {} }));
  return async (kind, host, values) => (await load()).renderAnswerFile(kind, host, values);
};

describe('the runner deploys an image onto an installed root (real rsync daemon, private mount namespaces)', () => {
  let scratch: string;
  let installedRoot: string;
  let imageRoot: string;
  let bundle: string;
  let serve: ServeForTests;

  const freshTarget = async (name: string): Promise<string> => {
    const target = join(scratch, name);
    await run('cp', ['-a', `${installedRoot}/.`, `${target}/`]).catch(async () => {
      await mkdir(target);
      await run('cp', ['-a', `${installedRoot}/.`, `${target}/`]);
    });
    // What the installer leaves that the deploy must keep: its fstab and an ESP.
    await writeFile(join(target, 'etc/fstab'), installedFstab);
    await mkdir(join(target, 'boot/efi/EFI/debian'), { recursive: true });
    await writeFile(join(target, 'boot/efi/EFI/debian/grubx64.efi'), 'not really an EFI binary\n');
    await writeFile(join(target, 'etc/only-on-installed-system'), 'the sync must delete this\n');
    return target;
  };
  // Serve sends Debian's boot commands; these fake roots (no kernel, no disk) deploy with --no-bootloader.
  const deployArgs = (target: string, extra: string[] = []): string[] => [
    '--target', target, '--server', serve.url, '--host', 'web07', '--work-dir', join(scratch, 'work'), '--retries', '2', '--no-bootloader', ...extra,
  ];
  /** Like an installer's separate /boot: an ext4 image holding an old kernel and the ESP directory. */
  const makeBootFilesystem = async (name: string): Promise<string> => {
    const content = join(scratch, `${name}-boot`);
    await mkdir(join(content, 'efi/EFI/debian'), { recursive: true });
    await writeFile(join(content, 'efi/EFI/debian/grubx64.efi'), 'not really an EFI binary\n');
    await writeFile(join(content, 'vmlinuz-installer'), 'the image has no such kernel: the sync must delete it\n');
    const image = join(scratch, `${name}-boot.ext4`);
    await run('mke2fs', ['-q', '-F', '-t', 'ext4', '-d', content, image, '16M']);
    return image;
  };
  const listBootFilesystem = async (image: string, dir: string): Promise<string[]> => {
    const { stdout } = await run('debugfs', ['-R', `ls -p ${dir}`, image]);
    return stdout.split('\n').map((line) => line.split('/')[5] ?? '').filter((name) => name !== '' && name !== '.' && name !== '..').sort();
  };
  const eventCount = async (): Promise<number> => (await serve.events('web07')).length;
  const eventsSince = async (from: number): Promise<StoredPhaseEvent[]> => (await serve.events('web07')).slice(from);

  beforeAll(async () => {
    [installedRoot, imageRoot] = await Promise.all([ensureDebootstrapRoot(installedRootRecipe), ensureDebootstrapRoot(imageRootRecipe)]);
    scratch = await mkdtemp(join(tmpdir(), 'rootcast-runner-'));
    bundle = join(scratch, 'runner.cjs');
    await buildRunnerBundle(bundle);
    const home = join(scratch, 'home');
    serve = await startServeForTests({
      home,
      hosts: [{ name: 'web07', macs: [], ip: '127.0.0.1', imageRef: 'web@1', keepPaths, postDeploy: loadDistroProfilesSync(join(findPackageRoot(), 'kickstart')).get('debian12')?.postDeploy }],
      images: [{ image: 'web', version: 1, root: imageRoot }],
      renderAnswerFile: inventoryRenderer(resolveHomePaths({ home })),
    });
    // What `rootcast preseed web07` and serve's /preseed/web07 render from: the answer file names this serve.
    await writeFile(join(home, 'rootcast.yaml'), `server: {url: "${serve.url}"}\nhosts:\n  web07: {image: web@1, install: {distro: debian12}}\n`);
  }, 600_000);

  afterAll(async () => {
    await serve?.stop();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  test('from serve\'s answer file to done: the target ends up equal to the image except kept paths; events arrive in phase order; a second run changes nothing', async () => {
    const target = await freshTarget('target-full');
    const bootImage = await makeBootFilesystem('target-full');
    expect((await diffTrees(imageRoot, target, notFromImage)).length).toBeGreaterThan(0);
    const firstEvent = await eventCount();
    const firstStored = (await serve.allEvents('web07')).length;
    // As d-i gets it: serve's preseed over HTTP; its early_command reports installer-started (curl here); its late_command's token runs the runner.
    const preseed = await fetch(`${serve.url}/preseed/web07`);
    expect(preseed.status).toBe(200);
    const answer = await preseed.text();
    await runEarlyCommand(earlyCommand(answer), join(scratch, 'console'), '/usr/bin:/bin');
    expect(await readFile(join(scratch, 'console'), 'utf8')).toBe('rootcast: preseed read for web07\n');
    const token = answerFileToken(answer);
    expect(token).toMatch(/^i\d+-/);
    // The target's own /boot filesystem must be synced too (and its ESP kept), not the directory under it.
    const withBoot = { target, env: { ROOTCAST_TOKEN: token }, setup: `mount -o loop ${bootImage} ${target}/boot` };

    const first = await runBundle(bundle, deployArgs(target), withBoot).done;
    expect(first.stderr).not.toMatch(/error/);
    expect(first.status).toBe(0);

    // Seen from here (outside the runner's namespace) /boot is the root filesystem's hidden directory: compared below.
    expect(await diffTrees(imageRoot, target, [...notFromImage, '/boot/'])).toEqual([]);
    expect(await readFile(join(target, 'etc/fstab'), 'utf8')).toBe(installedFstab);
    expect(await readFile(join(target, 'boot/efi/EFI/debian/grubx64.efi'), 'utf8')).toContain('EFI');
    // The image's /boot is empty: the old kernel (and lost+found) went, the ESP (a kept path) stayed.
    expect(await listBootFilesystem(bootImage, '/')).toEqual(['efi']);
    expect(await listBootFilesystem(bootImage, '/efi/EFI/debian')).toEqual(['grubx64.efi']);
    const { stdout: xattr } = await run('getfattr', ['-n', 'user.rootcast', '--only-values', join(target, 'opt/golden/README')]);
    expect(xattr).toBe('golden');

    const events = await eventsSince(firstEvent);
    expect(events.filter((event) => event.status === 'started').map((event) => event.phase)).toEqual(planPhases);
    expect(events.at(-1)).toMatchObject({ phase: 'done', status: 'succeeded', message: 'web@1 deployed' });
    const phaseIndex = events.map((event) => runnerPhases.indexOf(event.phase));
    expect(phaseIndex).toEqual([...phaseIndex].sort((a, b) => a - b));
    expect(events.filter((event) => event.status === 'failed')).toEqual([]);
    expect(events.filter((event) => ['overrides', 'identity', 'bootloader'].includes(event.phase)).map((event) => event.status)).toEqual(['started', 'skipped', 'started', 'succeeded', 'started', 'skipped']);
    expect(events.find((event) => event.phase === 'bootloader' && event.status === 'skipped')?.message).toMatch(/^--no-bootloader/);
    // The installed root had no machine id: the runner wrote one; the image has no sshd, so no host keys were made.
    expect(await readFile(join(target, 'etc/machine-id'), 'utf8')).toMatch(/^[0-9a-f]{32}\n$/);
    expect(events.find((event) => event.phase === 'identity' && event.status === 'succeeded')?.message).toBe('machine id written; no sshd: no host keys');
    // deployed.json names the delivery (no layers), the first-boot report is installed and enabled.
    const deployed = JSON.parse(await readFile(join(target, 'etc/rootcast/deployed.json'), 'utf8')) as { host: string; server: string; current: { ref: string; via: string; overrides: unknown }; history: unknown[] };
    expect(deployed).toMatchObject({ host: 'web07', server: serve.url, current: { ref: 'web@1', via: 'install', overrides: null }, history: [] });
    expect(await readFile(join(target, 'usr/local/lib/rootcast/firstboot.sh'), 'utf8')).toBe(await readFile(join(import.meta.dirname, '../../boot/rootcast-firstboot.sh'), 'utf8'));
    expect((await run('stat', ['-c', '%a', join(target, 'usr/local/lib/rootcast/firstboot.sh')])).stdout.trim()).toBe('755');
    expect((await run('readlink', [join(target, 'etc/systemd/system/multi-user.target.wants/rootcast-firstboot.service')])).stdout.trim()).toBe('/etc/systemd/system/rootcast-firstboot.service');
    expect(events.every((event) => event.host === 'web07')).toBe(true);
    const synced = events.find((event) => event.phase === 'sync-image' && event.status === 'succeeded');
    expect(synced?.bytes).toBeGreaterThan(1024 * 1024);
    // The transport and where the bytes came from, as fields (an rsync install: all from the server).
    expect(synced?.transfer).toEqual({ transport: 'rsync', serverBytes: synced?.bytes, peerBytes: 0 });
    // The whole install as serve stored it, from the answer file it served to done: one install, in order.
    const stored = (await serve.allEvents('web07')).slice(firstStored);
    const sequence = stored
      .map((event) => (event.kind === 'phase' ? `${event.phase} ${event.status}` : event.kind))
      .filter((step) => !step.endsWith(' progress'));
    expect(sequence).toEqual(['answer-file-served', 'installer-started', 'runner-started', ...planPhases.flatMap((phase) => [`${phase} started`, `${phase} ${phaseEnd(phase)}`]), 'done succeeded']);
    expect(new Set(stored.map((event) => event.install)).size).toBe(1);
    expect(stored.map((event) => event.seq)).toEqual(stored.map((_, index) => (stored[0]?.seq ?? 0) + index));
    expect(stored[0]).toMatchObject({ kind: 'answer-file-served', answer: 'preseed', client: '127.0.0.1' });
    expect(stored[1]).toMatchObject({ kind: 'installer-started', installer: 'debian-installer', from: '127.0.0.1' });
    expect(stored[2]).toMatchObject({ kind: 'runner-started', ref: 'web@1', from: '127.0.0.1' });
    expect((await readHostStatus(serve.paths, 'web07')).installs[0]).toMatchObject({ state: 'done', ref: 'web@1', phase: 'reboot' });

    const log = await readFile(join(target, 'var/log/rootcast/install.log'), 'utf8');
    for (const phase of runnerPhases) expect(log).toContain(` ${phase} `);
    expect(log).not.toContain(token);
    // The install token is spent; the host credential it was traded for is on the target, root-only.
    const credential = join(target, 'etc/rootcast/host.key');
    expect((await run('stat', ['-c', '%a %u', credential])).stdout.trim()).toBe('600 0');
    expect(JSON.parse(await readFile(join(target, 'etc/rootcast/client.json'), 'utf8'))).toEqual({ server: serve.url, host: 'web07', rsyncUser: 'host.web07' });
    const record = JSON.parse(await readFile(join(serve.paths.stateDir, 'hosts/web07/record.json'), 'utf8')) as { deployed?: { ref: string } };
    expect(record.deployed?.ref).toBe('web@1');
    // The version the fleet runs is protected: prune keeps it, rm refuses it, nothing is removed.
    const rootcast = (...args: string[]) => runBinary(['--home', serve.paths.home, ...args]);
    // Without ctimes: the store's files are hard links of the shared debootstrap cache, which other test runs on
    // this machine link again (a new link moves every inode's ctime) while this one looks.
    const storeNow = (): string[] => snapshotTree(serve.paths.imagesDir).map((line) => line.replace(/ ctime=\d+$/, ''));
    const store = storeNow();
    expect(await rootcast('image', 'prune', 'web', '--keep', '0')).toMatchObject({ status: 0, stdout: expect.stringMatching(/keep +web@1 +\(deployed on web07\)\nnothing to prune/) });
    expect(await rootcast('image', 'rm', 'web@1')).toMatchObject({ status: 65, stderr: expect.stringContaining('web@1 is in use (deployed on web07)') });
    expect(await rootcast('image', 'show', 'web@1')).toMatchObject({ status: 0, stdout: expect.stringMatching(/deployed: +web07/) });
    expect(storeNow()).toEqual(store);
    const reused = await runBundle(bundle, deployArgs(target), withBoot).done;
    expect([reused.status, reused.stderr]).toEqual([77, expect.stringContaining('its install already finished')]);
    // Every mount lived in the runner's private namespace: nothing is left in ours, the toolbox dir is gone.
    expect(await readFile('/proc/self/mountinfo', 'utf8')).not.toContain(join(scratch, 'work'));
    expect(await readdir(join(scratch, 'work'))).toEqual([]);

    // A re-install with a new answer file's token changes nothing the image owns, nor the machine id or the first-boot files.
    const before = snapshotTree(target, ['var/log/rootcast', 'etc/rootcast']);
    const secondEvent = await eventCount();
    const second = await runBundle(bundle, deployArgs(target), { ...withBoot, env: { ROOTCAST_TOKEN: await serve.token('web07') } }).done;
    expect(second.status).toBe(0);
    expect(snapshotTree(target, ['var/log/rootcast', 'etc/rootcast'])).toEqual(before);
    const resynced = (await eventsSince(secondEvent)).find((event) => event.phase === 'sync-image' && event.status === 'succeeded');
    // The message says which transport ran (the server says why: here the default, rsync).
    expect(resynced?.message).toMatch(/^rsync \(install.transport is rsync\): 0 of \d+ files transferred/);
    expect((await readFile(join(target, 'var/log/rootcast/install.log'), 'utf8')).length).toBeGreaterThan(log.length);
  }, 180_000);

  test('killing the rsync midway fails the run (75); re-running converges to the image', async () => {
    const target = await freshTarget('target-killed');
    const token = await serve.token('web07');
    const firstEvent = await eventCount();
    const running = runBundle(bundle, deployArgs(target, ['--bwlimit', '20000', '--progress-interval', '1']), { target, env: { ROOTCAST_TOKEN: token } });
    let killed: number[] = [];
    for (let wait = 0; wait < 600 && killed.length === 0; wait += 1) {
      const moved = (await eventsSince(firstEvent)).some((event) => event.phase === 'sync-image' && event.status === 'progress' && (event.bytes ?? 0) > 0);
      if (moved) {
        killed = findProcesses('rsync', `127.0.0.1:${serve.server.rsync.port}/img.web.1/`, '/target/');
        for (const pid of killed) process.kill(pid, 'SIGKILL');
      } else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(killed.length).toBeGreaterThan(0);
    const interrupted = await running.done;
    expect(interrupted.status).toBe(75);
    expect(interrupted.stderr).toMatch(/INTERRUPTED/);
    const afterKill = await eventsSince(firstEvent);
    const failed = afterKill.find((event) => event.status === 'failed');
    expect(failed?.phase).toBe('sync-image');
    // Its log lines are the install log's tail: the event lines, then what the error said (logged before the event was sent).
    const failedLog = (failed?.log ?? []).map((line) => line.replace(/^\S+ /, ''));
    // Each line is cut to the schema's 512 characters: the rsync command lines lose their tail.
    expect(failedLog).toContainEqual(expect.stringMatching(/^sync-image: command: .*chroot \S+ rsync -aHAXS /));
    expect(failedLog).toContainEqual(expect.stringMatching(/^run: chroot \S+ rsync -aHAXS /));
    const lastProgress = failedLog.map((line) => /^sync-image progress \d+% /.test(line)).lastIndexOf(true);
    expect(lastProgress).toBeGreaterThanOrEqual(0);
    expect(failedLog.indexOf('sync-image: exit: signal SIGKILL')).toBeGreaterThan(lastProgress);
    const installLog = await readFile(join(target, 'var/log/rootcast/install.log'), 'utf8');
    for (const line of failed?.log ?? []) expect(installLog).toContain(line.slice(0, 500));
    expect(afterKill.at(-1)).toMatchObject({ phase: 'cleanup', status: 'succeeded' });
    expect((await diffTrees(imageRoot, target, notFromImage)).length).toBeGreaterThan(0);

    // The install never reported done, so its token still works for the re-run.
    const rerun = await runBundle(bundle, deployArgs(target), { target, env: { ROOTCAST_TOKEN: token } }).done;
    expect(rerun.status).toBe(0);
    expect(await diffTrees(imageRoot, target, notFromImage)).toEqual([]);
    expect(await readFile(join(target, 'etc/fstab'), 'utf8')).toBe(installedFstab);
  }, 180_000);

  test('serve restarted twice mid-transfer (as systemctl restart does): the runner rides it out and converges', async () => {
    const target = await freshTarget('target-restarts');
    const token = await serve.token('web07');
    const firstEvent = await eventCount();
    const running = runBundle(bundle, deployArgs(target, ['--retries', '10', '--bwlimit', '20000', '--progress-interval', '1']), { target, env: { ROOTCAST_TOKEN: token } });
    for (let restart = 0; restart < 2; restart += 1) {
      const transferring = async (): Promise<boolean> =>
        findProcesses('rsync', `127.0.0.1:${serve.server.rsync.port}/img.web.1/`, '/target/').length > 0 &&
        (await eventsSince(firstEvent)).some((event) => event.phase === 'sync-image' && event.status === 'progress' && (event.bytes ?? 0) > 0);
      for (let wait = 0; wait < 600 && !(await transferring()); wait += 1) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await transferring()).toBe(true);
      await serve.restart();
    }
    const result = await running.done;
    expect(result.stderr).toMatch(/try \d+ failed \(the image server stopped the transfer/);
    expect(result.status).toBe(0);
    expect(await diffTrees(imageRoot, target, notFromImage)).toEqual([]);
  }, 240_000);

  test('a SIGKILLed runner takes its rsync with it; a second runner on the same target is refused; the re-run cleans up and converges', async () => {
    const target = await freshTarget('target-runner-killed');
    const token = await serve.token('web07');
    const firstEvent = await eventCount();
    const first = runBundle(bundle, deployArgs(target, ['--bwlimit', '20000', '--progress-interval', '1']), { target, env: { ROOTCAST_TOKEN: token } });
    const pulling = () => findProcesses('rsync', `127.0.0.1:${serve.server.rsync.port}/img.web.1/`, '/target/');
    for (let wait = 0; wait < 600 && pulling().length === 0; wait += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pulling().length).toBeGreaterThan(0);

    const second = await runBundle(bundle, deployArgs(target), { target, env: { ROOTCAST_TOKEN: token } }).done;
    expect(second.status).toBe(75);
    expect(second.stderr).toContain(`another runner (pid ${first.pid()}) is deploying onto ${target}`);

    process.kill(first.pid() as number, 'SIGKILL');
    await first.done;
    for (let wait = 0; wait < 100 && pulling().length > 0; wait += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pulling()).toEqual([]);
    const leftover = `toolbox.${first.pid()}`;
    expect(await readdir(join(scratch, 'work'))).toContain(leftover);

    const rerun = await runBundle(bundle, deployArgs(target), { target, env: { ROOTCAST_TOKEN: token } }).done;
    expect(rerun.status).toBe(0);
    expect(await readdir(join(scratch, 'work'))).not.toContain(leftover);
    expect(await readFile(join(target, 'var/log/rootcast/install.log'), 'utf8')).toContain(`left by an earlier run (pid ${first.pid()}) that was killed`);
    expect(await diffTrees(imageRoot, target, notFromImage)).toEqual([]);
    // Each run names itself in every event, so the killed run's events and the re-run's are told apart.
    const runs = new Set((await eventsSince(firstEvent)).map((event) => event.run));
    expect(runs.size).toBe(2);
    expect([...runs].every((run) => /^[0-9a-f]{8}$/.test(run ?? ''))).toBe(true);
  }, 240_000);

  test('what --dry-run prints is, byte for byte, what the deploy spawns once the die-with-us and namespace wrapper is taken off', async () => {
    const target = await freshTarget('target-recorded');
    const recordFile = join(scratch, 'recording.json');
    const token = await serve.token('web07');
    const entry = await bundleEntry(join(import.meta.dirname, 'runner-record-entry.ts'));
    try {
      const result = await runBundle(entry.file, deployArgs(target), { target, env: { ROOTCAST_TOKEN: token, RECORD_FILE: recordFile } }).done;
      expect([result.status, result.stderr]).toEqual([0, expect.any(String)]);
    } finally {
      await entry.remove();
    }
    const recording = JSON.parse(await readFile(recordFile, 'utf8')) as Recording;
    type Line = PrintedLine;
    const printed = printedCommandLines(recording.dryRunText);
    // Every spawn dies with the runner (setpriv) but the namespace holder, spawned as planned: its stdin is the runner's pipe.
    expect(recording.spawns.filter((spawn) => spawn.via !== 'namespace' && spawn.command !== 'setpriv')).toEqual([]);
    const unwrap = unwrapSpawn;
    const spawned = recording.spawns.map(unwrap);
    // The probe starts early (while the facts are read); everything else runs in the printed order.
    const isProbe = (entry: Line): boolean => entry.line.startsWith('rsync --list-only ');
    // ssh-keygen -A runs only when the target has sshd, which this image has not (the plan says so).
    const isHostKeys = (entry: Line): boolean => / ssh-keygen -A$/.test(entry.line);
    expect(spawned.filter((entry) => !isProbe(entry))).toEqual(printed.filter((entry) => !isProbe(entry) && !isHostKeys(entry)));
    expect(printed.filter(isHostKeys)).toHaveLength(1);
    expect(recording.dryRunText).toMatch(/ssh-keygen -A \(only the missing host keys\) only if \S+\/usr\/sbin\/sshd exists/);
    expect(spawned.filter(isProbe)).toEqual(printed.filter(isProbe));
    expect(spawned.filter(isProbe)).toHaveLength(1);
    // The plan is more than a token list: the namespace mounts, the copy and the chrooted pull are all there.
    expect(printed.filter((entry) => entry.where === 'here' && /^unshare -m -p --fork --propagation private -- sh -c /.test(entry.line))).toHaveLength(1);
    expect(spawned.filter((entry) => entry.line.startsWith('unshare '))).toEqual(printed.filter((entry) => entry.line.startsWith('unshare ')));
    for (const expected of [/^mount -t tmpfs /, /^rsync -aHAX .* -- \S+\/ \S+\/toolbox\.\d+\/$/, /^mount --rbind \/proc \S+\/toolbox\.\d+\/proc$/, /^mount --rbind \/proc \S+\/target\/proc$/, /^mount --bind \S+ \S+\/target$/, /^chroot \S+ rsync -aHAXS .* \/target\/$/, /^umount -R -l /]) {
      expect(printed.filter((entry) => entry.where === 'namespace' && expected.test(entry.line)), String(expected)).toHaveLength(1);
    }
    // A dry run spawns only the facts' measuring rsync, the very line it prints as "0. facts".
    expect(recording.dryRunSpawns.map(unwrap)).toEqual([printed[0], printed[0]]);
    // Each spawn got exactly the environment names the JSON plan gives its command, and the token's value is in no plan.
    const plan = JSON.parse(recording.dryRunJson) as { facts: { measuredWith: PlannedCommand }; steps: Step[] };
    const planned = [plan.facts.measuredWith, ...plan.steps.flatMap((step) => commandsOfStep(step))];
    const byLine = new Map(planned.map((command) => [formatPlannedCommand(command), command]));
    for (const [index, spawn] of recording.spawns.entries()) expect(byLine.get(spawned[index]?.line ?? '')?.env, spawned[index]?.line).toEqual(spawn.env);
    expect(recording.spawns.some((spawn) => spawn.env.includes('RSYNC_PASSWORD'))).toBe(true);
    for (const text of [recording.dryRunText, recording.dryRunJson]) expect(text).not.toContain(token);
    expect(await diffTrees(imageRoot, target, notFromImage)).toEqual([]);
  }, 180_000);

  test('--dry-run prints the plan and changes nothing', async () => {
    const target = await freshTarget('target-dry');
    const before = snapshotTree(target);
    const token = await serve.token('web07');
    const eventsBefore = await eventCount();
    const result = await runBundle(bundle, deployArgs(target, ['--dry-run']), { target, env: { ROOTCAST_TOKEN: token } }).done;
    expect(result.status).toBe(0);
    for (const phase of planPhases) expect(result.stdout).toContain(`. ${phase}`);
    expect(result.stdout).toContain(`rsync://install.web07@127.0.0.1:${serve.server.rsync.port}/img.web.1/`);
    expect(result.stdout).not.toContain(token);
    expect(snapshotTree(target)).toEqual(before);
    expect(await eventCount()).toBe(eventsBefore);
  }, 60_000);
});

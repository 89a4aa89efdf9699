import { execFile } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { issueInstallToken } from '../../src/credentials/issue-token.js';
import { resolveImageRef } from '../../src/image/versions.js';
import { deployedStateSchema } from '../../src/protocol/deployed-state.js';
import { ensureDebootstrapRoot, installedRootRecipe } from '../helpers/debootstrap-cache.js';
import { makeOverrideHome, overrideInventory, removeOverrideHome, type OverrideHome } from '../helpers/override-fixture.js';
import { startInventoryServe, type InventoryServe } from '../helpers/inventory-serve.js';
import { buildRunnerBundle, runBundle } from '../helpers/runner-harness.js';
import { storedPhaseEvents } from '../helpers/stored-events.js';
import { snapshotTree } from '../helpers/tree-snapshot.js';

const run = promisify(execFile);
const installerMachineId = '0123456789abcdef0123456789abcdef\n';
const installerHostKey = 'the installer\'s own host key\n';

// The real serve on a real inventory with layers in all/, group/web and host/web07 (a template, whiteouts,
// an opaque directory) and its identity layer; the real runner bundle deploys web07 onto an installed root.
describe('the runner lays web07\'s override layers over the image (real serve, real rsync daemon)', () => {
  let home: OverrideHome;
  let installedRoot: string;
  let scratch: string;
  let bundle: string;
  let serve: InventoryServe | undefined;
  let http = '';

  beforeAll(async () => {
    installedRoot = await ensureDebootstrapRoot(installedRootRecipe);
    home = await makeOverrideHome('rootcast-runner-ovl');
    scratch = await mkdtemp(join(tmpdir(), 'rootcast-runner-ovl-'));
    bundle = join(scratch, 'runner.cjs');
    await buildRunnerBundle(bundle);
    // An image that (wrongly) carries identity files: the image pass must leave the installer's alone.
    const image = (await resolveImageRef(home.paths, 'web')).root;
    await mkdir(join(image, 'etc/ssh'), { recursive: true });
    await writeFile(join(image, 'etc/machine-id'), 'golden0000000000000000000000000\n');
    await writeFile(join(image, 'etc/ssh/ssh_host_ed25519_key'), 'the golden client\'s host key\n');
    // The golden client had a separate /var; the installed system (below) has only /.
    await writeFile(join(image, 'etc/fstab'), 'UUID=g1 / ext4 defaults 0 1\nUUID=g2 /var ext4 defaults 0 2\nproc /proc proc defaults 0 0\n');
    await writeFile(home.paths.inventoryFile, overrideInventory);
    serve = await startInventoryServe(home.paths);
    http = serve.url;
  }, 600_000);

  afterAll(async () => {
    await serve?.stop();
    if (home !== undefined) await removeOverrideHome(home);
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  /** An installed root as the installer leaves it: its fstab, machine id and host key. */
  const freshTarget = async (name: string): Promise<string> => {
    const target = join(scratch, name);
    await mkdir(target);
    await run('cp', ['-a', `${installedRoot}/.`, `${target}/`]);
    await writeFile(join(target, 'etc/fstab'), 'UUID=1234 / ext4 defaults 0 1\n');
    await writeFile(join(target, 'etc/machine-id'), installerMachineId);
    await mkdir(join(target, 'etc/ssh'), { recursive: true });
    await writeFile(join(target, 'etc/ssh/ssh_host_ed25519_key'), installerHostKey, { mode: 0o600 });
    return target;
  };
  const token = async (): Promise<string> => (await issueInstallToken(home.paths, 'web07', { now: new Date(), lifetimeMs: 3_600_000, issuedBy: 'test' })).token;
  const deploy = async (target: string, extra: string[]) =>
    runBundle(bundle, ['--target', target, '--server', http, '--host', 'web07', '--work-dir', join(scratch, 'work'), '--retries', '2', ...extra], { target, env: { ROOTCAST_TOKEN: await token() } }).done;
  const events = () => storedPhaseEvents(home.paths, 'web07');

  test('image + identity + all + group + host: template rendered, whiteouts and the opaque directory applied, identity files kept, deployed.json and first boot written', async () => {
    const target = await freshTarget('target-layers');
    // Swap files the installer made and the kept fstab names: the image has none, and the image pass's --delete must not remove them.
    const fstab = 'UUID=1234 / ext4 defaults 0 1\n/swapfile none swap sw 0 0\n/extra.swap none swap sw 0 0\n';
    await writeFile(join(target, 'etc/fstab'), fstab);
    await writeFile(join(target, 'swapfile'), 'the usual swap file\n', { mode: 0o600 });
    await writeFile(join(target, 'extra.swap'), 'a swap file only the fstab names\n', { mode: 0o600 });
    const before = (await events()).length;
    const result = await deploy(target, ['--no-bootloader']);
    expect([result.status, result.stderr]).toEqual([0, expect.any(String)]);
    const read = (path: string) => readFile(join(target, path), 'utf8');

    // all/: owner and content; host/: the template rendered with the host's vars and network.
    expect(await read('etc/motd')).toBe('motd from all\n');
    expect((await run('stat', ['-c', '%a %u:%g', join(target, 'etc/motd')])).stdout.trim()).toBe('660 123:456');
    expect(await read('etc/hostname')).toBe('web07.lab.example frontend\n');
    await expect(lstat(join(target, 'etc/hostname.hbs'))).rejects.toThrow(/ENOENT/);
    // The identity layer (lowest): web07's line in /etc/hosts (network: keep, so Debian's 127.0.1.1 convention).
    expect(await read('etc/hosts')).toMatch(/^127\.0\.1\.1\tweb07\.lab\.example web07$/m);
    // group/web: whiteouts delete the image's files, the opaque /etc/app holds the layers' entries only.
    await expect(lstat(join(target, 'etc/cron.d/old'))).rejects.toThrow(/ENOENT/);
    await expect(lstat(join(target, 'etc/gone'))).rejects.toThrow(/ENOENT/);
    expect(await read('etc/cron.d/keep')).toBe('image keep\n');
    expect((await readdir(join(target, 'etc/app'))).sort()).toEqual(['new.conf']);
    expect(await read('srv/site/index.html')).toBe('<h1>{{not a template}}</h1>\n');
    expect(await readlink(join(target, 'etc/abs-link'))).toBe('/etc/passwd');
    // What the installed system had and neither image nor layers have is gone; the installer's own identity stays.
    await expect(lstat(join(target, 'usr/bin/rsync'))).rejects.toThrow(/ENOENT/);
    expect(await read('etc/fstab')).toBe(fstab);
    expect(await read('swapfile')).toBe('the usual swap file\n');
    expect(await read('extra.swap')).toBe('a swap file only the fstab names\n');
    expect(await read('etc/machine-id')).toBe(installerMachineId);
    expect(await read('etc/ssh/ssh_host_ed25519_key')).toBe(installerHostKey);

    const deployed = deployedStateSchema.parse(JSON.parse(await read('etc/rootcast/deployed.json')));
    expect(deployed).toMatchObject({ host: 'web07', server: http, current: { ref: 'web@1', via: 'install' }, history: [] });
    expect(deployed.current.overrides?.layers.map((layer) => layer.layer)).toEqual(['identity/web07', 'all', 'group/web', 'host/web07']);
    expect(deployed.current.overrides?.treeDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await read('usr/local/lib/rootcast/firstboot.sh')).toMatch(/^#!\/bin\/sh\n# rootcast first boot/);
    expect(await read('etc/systemd/system/rootcast-firstboot.service')).toContain('ExecStart=/bin/sh /usr/local/lib/rootcast/firstboot.sh');
    expect(await readlink(join(target, 'etc/systemd/system/multi-user.target.wants/rootcast-firstboot.service'))).toBe('/etc/systemd/system/rootcast-firstboot.service');

    const phases = (await events()).slice(before);
    expect(phases.filter((event) => event.status !== 'started' && event.status !== 'progress').map((event) => `${event.phase} ${event.status}`)).toEqual([
      'preflight succeeded', 'ram-copy succeeded', 'mount succeeded', 'sync-image succeeded', 'overrides succeeded',
      'identity succeeded', 'bootloader skipped', 'enroll succeeded', 'cleanup succeeded', 'done succeeded',
    ]);
    expect(phases.find((event) => event.phase === 'overrides' && event.status === 'succeeded')?.message).toMatch(/^\d+ of \d+ files transferred/);
    // The phase's last word repeats the warning (progress events may be dropped under load).
    expect(phases.find((event) => event.phase === 'identity' && event.status === 'succeeded')?.message).toMatch(/^machine id kept from the installer; no sshd: no host keys; warning: the image's fstab mounts \/var/);
    // serve read the image's fstab; the runner warns that this machine has no /var of its own.
    expect(phases.filter((event) => event.phase === 'identity' && event.status === 'progress' && event.message?.startsWith('warning:')).map((event) => event.message))
      .toEqual([expect.stringMatching(/^warning: the image's fstab mounts \/var, which this machine's fstab \(kept from its installer\) does not/)]);
  }, 180_000);

  test('a template with an unknown variable: the runner names serve\'s file and line and changes nothing (65)', async () => {
    const broken = join(home.paths.overridesDir, 'host/web07/etc/broken.hbs');
    await writeFile(broken, 'ok\n{{vars.nope}}\n');
    try {
      const target = await freshTarget('target-broken-template');
      const before = snapshotTree(target);
      const result = await deploy(target, ['--no-bootloader']);
      expect(result.status).toBe(65);
      expect(result.stderr).toContain('rootcast runner: error [INVALID_DATA]: the override layers of web07 have 1 problem');
      // serve names the file relative to its home: an error body names no server path (docs/serve.md).
      expect(result.stderr).toContain('\n  overrides/host/web07/etc/broken.hbs:2: unknown variable vars.nope\n');
      expect(result.stderr).not.toContain(home.paths.home);
      expect(result.stderr).toContain(`hint: on the server ${http}: fix the files named above`);
      expect(snapshotTree(target)).toEqual(before);
    } finally {
      await rm(broken, { force: true });
    }
  }, 120_000);

  test('a BIOS boot loader for a target that is no disk\'s root file system is refused before anything changes (64)', async () => {
    const target = await freshTarget('target-no-disk');
    const before = snapshotTree(target);
    const result = await deploy(target, ['--firmware', 'bios']);
    expect(result.status).toBe(64);
    expect(result.stderr).toMatch(/cannot tell which disk to install the boot loader on: \S+ is a bind mount of /);
    expect(result.stderr).toMatch(/--boot-disk/);
    expect(snapshotTree(target)).toEqual(before);
  }, 120_000);

  test('a failing boot command fails the deploy with its output in the failed event (70); cleanup still runs', async () => {
    const target = await freshTarget('target-boot-fails');
    const before = (await events()).length;
    // This image has no update-initramfs: the first boot command cannot run in the target.
    const result = await deploy(target, ['--firmware', 'efi']);
    expect(result.status).toBe(70);
    const phases = (await events()).slice(before);
    const failed = phases.find((event) => event.status === 'failed');
    expect(failed).toMatchObject({ phase: 'bootloader', message: expect.stringMatching(/^\[SUBPROCESS_FAILED\] chroot \S+\/target update-initramfs -u -k all failed in the target with exit code 127:\n.*update-initramfs.*No such file or directory/) });
    expect(phases.at(-1)).toMatchObject({ phase: 'cleanup', status: 'succeeded' });
    expect(phases.some((event) => event.phase === 'done')).toBe(false);
  }, 180_000);
});

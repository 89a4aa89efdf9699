import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import { issueInstallToken } from '../../src/credentials/issue-token.js';
import { execProcess } from '../../src/sys/exec.js';
import { ensureDebootstrapRoot } from '../helpers/debootstrap-cache.js';
import { mountDevice, unmountAll } from '../helpers/disk-image.js';
import { attachPartitionedDisk, partitionLayoutOf } from '../helpers/gpt-disk.js';
import { addVersion, makeTempHome, removeHome } from '../helpers/image-builder.js';
import { buildInstalledDisk } from '../helpers/installed-disk.js';
import { startInventoryServe, type InventoryServe } from '../helpers/inventory-serve.js';
import { diskBootArgs, startQemu } from '../helpers/qemu.js';
import { buildRunnerBundle } from '../helpers/runner-harness.js';
import { findKernel } from './support/bootable-root.js';
import { goldenImageRecipe, installedSystemRecipe } from './support/clone-roots.js';
import { logInAsRoot } from './support/guest-shell.js';

const slow = process.env.ROOTCAST_SLOW === '1';
const bootTimeoutMs = 5 * 60_000;
const runTimeoutMs = 15 * 60_000;
const host = 'host-a';
const inventory = [
  'networks:',
  '  lab: {subnet: 10.0.2.0/24, gateway: 10.0.2.2, dns: [10.0.2.3], domain: lab.example}',
  'groups:',
  '  web: {image: web@1, network: lab}',
  'hosts:',
  `  ${host}: {mac: "52:54:00:12:34:58", ip: 10.0.2.17, groups: [web]}`,
  '',
].join('\n');
const overrideFile = '/etc/rootcast-only-a';

const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const load = (): string => `load ${loadavg().map((value) => value.toFixed(1)).join(' ')}`;
const kernelOf = (root: string): string => basename(findKernel(root).vmlinuz).slice('vmlinuz-'.length);

/** What the guest says about itself over its serial console. */
interface Seen {
  kernel: string;
  hostname: string;
  machineId: string;
  hostKey: string;
  override: string;
  deployed: { current: { ref: string; via: string }; history: { ref: string }[] };
}

/** A scrubbed capture of a root, cheaply: hard links, and the per-machine files unlinked (never written through the links). */
const scrubbedCopyOf = (root: string, to: string): void => {
  execFileSync('cp', ['-al', root, to]);
  for (const key of readdirSync(join(to, 'etc/ssh')).filter((file) => file.startsWith('ssh_host_'))) unlinkSync(join(to, 'etc/ssh', key));
  for (const path of ['etc/hostname', 'var/lib/dbus/machine-id', 'etc/machine-id']) rmSync(join(to, path), { force: true });
  writeFileSync(join(to, 'etc/machine-id'), '');
};

describe.skipIf(!slow)('an update to a new kernel: a deployed BIOS guest is updated offline through real serve and comes up on the new kernel as itself', () => {
  test('host-a: web@1 (bookworm 6.1) deployed and booted; updated to web@2 (backports 6.12), boots 6.12 with hostname, machine id, host key and layer unchanged; rolled back, boots 6.1', async () => {
    const installedRoot = await ensureDebootstrapRoot(installedSystemRecipe);
    const golden = await ensureDebootstrapRoot(goldenImageRecipe);
    const [oldKernel, newKernel] = [kernelOf(installedRoot), kernelOf(golden)];
    expect(oldKernel).not.toBe(newKernel);
    const work = mkdtempSync(join(tmpdir(), 'rootcast-update-boot-'));
    const paths = await makeTempHome('rootcast-update-boot-home-');
    const image = join(work, `${host}.img`);
    const runner = join(work, 'runner.cjs');
    let serve: InventoryServe | undefined;
    let byUuid: string | undefined;
    try {
      let started = Date.now();
      // web@1: the installed system (bookworm's kernel) as a capture leaves it; web@2: the golden image (backports' kernel).
      const web1 = join(work, 'web1');
      scrubbedCopyOf(installedRoot, web1);
      await addVersion(paths, 'web', web1);
      rmSync(web1, { recursive: true, force: true });
      await addVersion(paths, 'web', golden);
      mkdirSync(join(paths.overridesDir, `host/${host}/etc`), { recursive: true });
      writeFileSync(join(paths.overridesDir, `host/${host}${overrideFile}`), 'only on host-a\n');
      writeFileSync(paths.inventoryFile, inventory);
      await buildRunnerBundle(runner);
      serve = await startInventoryServe(paths);
      const http = serve.url;
      console.info(`update-boot: web@1 and web@2 stored, runner built in ${seconds(started)} (${load()})`);

      const runRunner = async (args: string[], env: Record<string, string> = {}): Promise<string> => {
        const result = await execProcess({
          command: process.execPath,
          args: [runner, ...args],
          env: { PATH: process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin', ...env },
          cleanEnv: true,
          allowedExitCodes: [0, 1, 64, 65, 66, 69, 70, 75, 77],
          timeoutMs: runTimeoutMs,
        });
        expect(result.exitCode, `runner ${args[0]} failed:\n${result.stderr.slice(-6000)}`).toBe(0);
        return result.stdout;
      };
      const grubCfgOf = (root: string): string => readFileSync(join(root, 'boot/grub/grub.cfg'), 'utf8');

      // Install: the installed system's disk, identity left to the runner (no machine id, no host keys), web@1 deployed.
      started = Date.now();
      const disk = await buildInstalledDisk({ root: installedRoot, image, firmware: 'bios' });
      const rootUuid = disk.rootUuid;
      const rootIndex = partitionLayoutOf('bios').findIndex((part) => part.role === 'root');
      // No udev here: update-grub writes root=UUID= only when the by-uuid link exists (docs/testing.md).
      const linkTo = (partition: string): void => {
        byUuid = `/dev/disk/by-uuid/${rootUuid}`;
        mkdirSync(dirname(byUuid), { recursive: true });
        rmSync(byUuid, { force: true });
        symlinkSync(`../../${basename(partition)}`, byUuid);
      };
      try {
        linkTo(disk.rootPartition);
        writeFileSync(join(disk.mountpoint, 'etc/machine-id'), '');
        for (const key of readdirSync(join(disk.mountpoint, 'etc/ssh')).filter((file) => file.startsWith('ssh_host_'))) unlinkSync(join(disk.mountpoint, 'etc/ssh', key));
        const token = (await issueInstallToken(paths, host, { now: new Date(), lifetimeMs: 3_600_000, issuedBy: 'test' })).token;
        await runRunner(['--target', disk.mountpoint, '--server', http, '--host', host, '--work-dir', join(work, 'run'), '--firmware', 'bios', '--boot-disk', disk.disk, '--progress-interval', '30'], { ROOTCAST_TOKEN: token });
        expect(grubCfgOf(disk.mountpoint)).toContain(`vmlinuz-${oldKernel}`);
        expect(grubCfgOf(disk.mountpoint)).toContain(`root=UUID=${rootUuid}`);
        console.info(`update-boot: disk built, web@1 deployed in ${seconds(started)} (${load()})`);
      } finally {
        await disk.release();
      }

      /** Attaches the disk again, mounts its root, runs `action` on it, releases everything. */
      const withDiskRoot = async <T>(action: (root: string) => Promise<T>): Promise<T> => {
        const attached = await attachPartitionedDisk(image, partitionLayoutOf('bios').length);
        const partition = attached.partitions[rootIndex] ?? '';
        const mountpoint = mkdtempSync(join(tmpdir(), 'rootcast-disk-root-'));
        try {
          linkTo(partition);
          mountDevice(partition, mountpoint);
          return await action(mountpoint);
        } finally {
          unmountAll(mountpoint);
          rmdirSync(mountpoint);
          await attached.release();
        }
      };

      /** Offline update of the disk's root as the host itself: its credential and client.json from the root, the real serve. */
      const updateDisk = (args: string[], expectRef: string, bootKernel: string): Promise<void> =>
        withDiskRoot(async (root) => {
          started = Date.now();
          const report = JSON.parse(await runRunner(['update', '--target-root', root, '--retries', '2', '--json', ...args])) as { ref: string; rebootNeeded: boolean; summary: { files: number } };
          expect([report.ref, report.rebootNeeded]).toEqual([expectRef, true]);
          const grubCfg = grubCfgOf(root);
          expect(grubCfg).toContain(`vmlinuz-${bootKernel}`);
          expect(grubCfg).toContain(`root=UUID=${rootUuid}`);
          expect(readdirSync(join(root, 'boot')).filter((name) => name.startsWith('vmlinuz-'))).toEqual([`vmlinuz-${bootKernel}`]);
          expect(existsSync(join(root, 'boot/grub/i386-pc/normal.mod')), 'grub-install\'s modules kept').toBe(true);
          expect(existsSync(join(root, 'etc/rootcast/update-in-progress'))).toBe(false);
          console.info(`update-boot: update to ${expectRef} (${report.summary.files} changes, initramfs, update-grub) in ${seconds(started)} (${load()})`);
        });

      let boots = 0;
      const bootAndLook = async (): Promise<Seen> => {
        boots += 1;
        const serialSocket = join(work, `boot${boots}.sock`);
        started = Date.now();
        // No network card: the guest needs none for this proof.
        const vm = startQemu({ serialLog: join(work, `boot${boots}.serial.log`), serialSocket, args: diskBootArgs(image, 'bios') });
        try {
          const guest = await logInAsRoot(vm, serialSocket, bootTimeoutMs);
          const shell = guest.shell;
          console.info(`update-boot: boot ${boots}: "${guest.prompt}" after ${(guest.elapsedMs / 1000).toFixed(1)} s (${load()})`);
          try {
            const out = async (command: string): Promise<string> => (await guest.out(command)).trim();
            const seen: Seen = {
              kernel: await out('uname -r'),
              hostname: `${guest.loginHost} ${await out('cat /etc/hostname')}`,
              machineId: await out('cat /etc/machine-id'),
              hostKey: await out('ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub'),
              override: await out(`cat ${overrideFile}`),
              deployed: JSON.parse(await out('cat /etc/rootcast/deployed.json')) as Seen['deployed'],
            };
            expect(await out('findmnt -no SOURCE /')).toBe('/dev/vda2');
            // A clean shutdown, so the next mount on the machine finds a clean file system.
            shell.write('systemctl poweroff\n');
            for (let tries = 0; tries < 120 && existsSync(`/proc/${vm.pid}`); tries += 1) await sleep(1000);
            console.info(`update-boot: boot ${boots}: checked and powered off in ${seconds(started)}`);
            return seen;
          } finally {
            shell.close();
          }
        } finally {
          await vm.stop();
        }
      };

      const first = await bootAndLook();
      expect(first.kernel).toBe(oldKernel);
      expect(first.hostname).toBe(`${host} ${host}`);
      expect(first.machineId).toMatch(/^[0-9a-f]{32}$/);
      expect(first.hostKey).toMatch(/^256 SHA256:\S+ .*\(ED25519\)$/);
      expect(first.override).toBe('only on host-a');
      expect([first.deployed.current.ref, first.deployed.current.via]).toEqual(['web@1', 'install']);

      await updateDisk(['--image', 'web@2'], 'web@2', newKernel);
      const second = await bootAndLook();
      expect(second.kernel).toBe(newKernel);
      expect({ ...second, kernel: '', deployed: undefined }).toEqual({ ...first, kernel: '', deployed: undefined });
      expect([second.deployed.current.ref, second.deployed.current.via, second.deployed.history.map((entry) => entry.ref)]).toEqual(['web@2', 'update', ['web@1']]);

      await updateDisk(['--rollback'], 'web@1', oldKernel);
      const third = await bootAndLook();
      expect(third.kernel).toBe(oldKernel);
      expect({ ...third, kernel: '', deployed: undefined }).toEqual({ ...first, kernel: '', deployed: undefined });
      expect([third.deployed.current.ref, third.deployed.history.map((entry) => entry.ref)]).toEqual(['web@1', ['web@2', 'web@1']]);
    } finally {
      if (byUuid !== undefined) rmSync(byUuid, { force: true });
      await serve?.stop();
      await removeHome(paths);
      rmSync(work, { recursive: true, force: true });
    }
  }, 60 * 60_000);
});

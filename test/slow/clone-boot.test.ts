import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import { issueInstallToken } from '../../src/credentials/issue-token.js';
import type { HomePaths } from '../../src/home/paths.js';
import { execProcess } from '../../src/sys/exec.js';
import { ensureDebootstrapRoot } from '../helpers/debootstrap-cache.js';
import { addVersion, makeTempHome, removeHome } from '../helpers/image-builder.js';
import { buildInstalledDisk } from '../helpers/installed-disk.js';
import { diskBootArgs, guestForwardToLoopback, startQemu } from '../helpers/qemu.js';
import { startInventoryServe, type InventoryServe } from '../helpers/inventory-serve.js';
import { buildRunnerBundle } from '../helpers/runner-harness.js';
import { storedEvents } from '../helpers/stored-events.js';
import { goldenImageRecipe, installedSystemRecipe } from './support/clone-roots.js';
import { logInAsRoot } from './support/guest-shell.js';
import { putFile as put } from '../helpers/put-file.js';

const slow = process.env.ROOTCAST_SLOW === '1';
const bootTimeoutMs = 5 * 60_000;
const deployTimeoutMs = 15 * 60_000;
/** The address the VMs reach serve at: QEMU's user network forwards each connection to it (guestfwd) to serve on loopback, and nothing else leaves. */
const serveInGuest = { address: '10.0.2.100', port: 80 };
const hosts = {
  'clone-a': { mac: '52:54:00:12:34:56', ip: '10.0.2.15' },
  'clone-b': { mac: '52:54:00:12:34:57', ip: '10.0.2.16' },
} as const;
type CloneName = keyof typeof hosts;

const inventory = [
  'networks:',
  '  lab: {subnet: 10.0.2.0/24, gateway: 10.0.2.2, dns: [10.0.2.3], domain: lab.example}',
  'groups:',
  '  web: {image: web, network: lab, vars: {role: frontend}}',
  'hosts:',
  ...Object.entries(hosts).map(([name, host]) => `  ${name}: {mac: "${host.mac}", ip: ${host.ip}, groups: [web]}`),
  '',
].join('\n');

const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const load = (): string => `load ${loadavg().map((value) => value.toFixed(1)).join(' ')}`;

/** Layers in all/, group/web (a template, a whiteout of an image file) and host/clone-a. */
const writeLayers = (paths: HomePaths): void => {
  put(paths.overridesDir, 'all/etc/motd', 'rootcast fleet motd\n');
  put(paths.overridesDir, 'group/web/etc/rootcast-hello.hbs', 'hello from {{host.fqdn}} ({{vars.role}}, {{host.ip}})\n');
  put(paths.overridesDir, 'group/web/etc/.wh.issue.net', '');
  put(paths.overridesDir, 'host/clone-a/etc/rootcast-only-a', 'only on clone-a\n');
};

/** What a clone looks like from inside, over its serial console. */
interface Seen {
  loginHost: string;
  machineId: string;
  hostKey: string;
}

describe.skipIf(!slow)('clones boot as themselves: the runner deploys an image with layers onto two BIOS disks via real serve; each boots from its own grub', () => {
  test('clone-a and clone-b: hostname, layers, whiteout, static address, the image\'s kernel, their own machine id and host keys, booted reported', async () => {
    const installedRoot = await ensureDebootstrapRoot(installedSystemRecipe);
    const golden = await ensureDebootstrapRoot(goldenImageRecipe);
    const goldenKernel = readdirSync(join(golden, 'boot')).find((name) => name.startsWith('vmlinuz-'))?.slice('vmlinuz-'.length) ?? '';
    const installedHostKey = readFileSync(join(installedRoot, 'etc/ssh/ssh_host_ed25519_key.pub'), 'utf8').split(' ')[1] ?? '';
    const work = mkdtempSync(join(tmpdir(), 'rootcast-clone-boot-'));
    const paths = await makeTempHome('rootcast-clone-boot-home-');
    let serve: InventoryServe | undefined;
    try {
      let started = Date.now();
      await addVersion(paths, 'web', golden);
      writeLayers(paths);
      writeFileSync(paths.inventoryFile, inventory);
      const runner = join(work, 'runner.cjs');
      await buildRunnerBundle(runner);
      console.info(`clone-boot: image stored, layers written, runner built in ${seconds(started)} (${load()})`);
      serve = await startInventoryServe(paths);
      const http = serve.url;
      const httpPort = serve.httpPort;

      const deployAndBoot = async (name: CloneName, installer: 'fresh' | 'own'): Promise<Seen> => {
        const image = join(work, `${name}.img`);
        started = Date.now();
        const disk = await buildInstalledDisk({ root: installedRoot, image, firmware: 'bios' });
        // No udev here: update-grub writes root=UUID= only when the by-uuid link exists (docs/testing.md).
        const byUuid = `/dev/disk/by-uuid/${disk.rootUuid}`;
        let madeLink = false;
        let ownMachineId = '';
        try {
          mkdirSync(dirname(byUuid), { recursive: true });
          symlinkSync(`../../${basename(disk.rootPartition)}`, byUuid);
          madeLink = true;
          if (installer === 'fresh') {
            // An installer that leaves identity to first boot: empty machine id, no host keys. The runner makes both.
            writeFileSync(join(disk.mountpoint, 'etc/machine-id'), '');
            for (const key of readdirSync(join(disk.mountpoint, 'etc/ssh')).filter((file) => file.startsWith('ssh_host_'))) unlinkSync(join(disk.mountpoint, 'etc/ssh', key));
          } else {
            // An installer that made its own: the runner keeps them.
            ownMachineId = randomBytes(16).toString('hex');
            writeFileSync(join(disk.mountpoint, 'etc/machine-id'), `${ownMachineId}\n`);
          }
          const token = (await issueInstallToken(paths, name, { now: new Date(), lifetimeMs: 3_600_000, issuedBy: 'test' })).token;
          // Each partition is its own loop device here (no partition scan on loop), so the disk is named.
          const result = await execProcess({
            command: process.execPath,
            args: [runner, '--target', disk.mountpoint, '--server', http, '--host', name, '--work-dir', join(work, 'run'), '--firmware', 'bios', '--boot-disk', disk.disk, '--progress-interval', '30'],
            env: { PATH: process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin', ROOTCAST_TOKEN: token },
            cleanEnv: true,
            allowedExitCodes: [0, 1, 64, 65, 66, 69, 70, 75, 77],
            timeoutMs: deployTimeoutMs,
          });
          expect(result.exitCode, `runner failed:\n${result.stderr.slice(-6000)}`).toBe(0);
          console.info(`clone-boot ${name}: disk built and deployed (sync, overrides, identity, initramfs, grub-install, update-grub) in ${seconds(started)} (${load()})`);
          const grubCfg = readFileSync(join(disk.mountpoint, 'boot/grub/grub.cfg'), 'utf8');
          expect(grubCfg).toContain(`vmlinuz-${goldenKernel}`);
          expect(grubCfg).toContain(`root=UUID=${disk.rootUuid}`);
          expect(readFileSync(join(disk.mountpoint, 'etc/fstab'), 'utf8')).toContain(`UUID=${disk.rootUuid} / ext4`);
          // The VM reaches serve at the forwarded address, not at the loopback URL the runner used.
          const client = join(disk.mountpoint, 'etc/rootcast/client.json');
          writeFileSync(client, readFileSync(client, 'utf8').replace(http, `http://${serveInGuest.address}:${serveInGuest.port}`));
        } finally {
          if (madeLink) rmSync(byUuid, { force: true });
          await disk.release();
        }

        const serialSocket = join(work, `${name}.sock`);
        started = Date.now();
        const vm = startQemu({
          serialLog: join(work, `${name}.serial.log`),
          serialSocket,
          args: diskBootArgs(image, 'bios'),
          nic: ['-nic', `user,model=virtio-net-pci,mac=${hosts[name].mac},restrict=on,${guestForwardToLoopback(serveInGuest, httpPort)}`],
        });
        try {
          const { loginHost, prompt, elapsedMs, shell, out } = await logInAsRoot(vm, serialSocket, bootTimeoutMs);
          console.info(`clone-boot ${name}: "${prompt}" after ${(elapsedMs / 1000).toFixed(1)} s (${load()})`);
          try {
            expect((await out('uname -r')).trim()).toBe(goldenKernel);
            expect(await out('cat /etc/hostname')).toBe(`${name}\n`);
            expect(await out('cat /etc/motd')).toBe('rootcast fleet motd\n');
            expect(await out('cat /etc/rootcast-hello')).toBe(`hello from ${name}.lab.example (frontend, ${hosts[name].ip})\n`);
            expect((await shell.run('test -e /etc/issue.net')).exitCode).toBe(1);
            expect((await shell.run('test -e /etc/rootcast-only-a')).exitCode).toBe(name === 'clone-a' ? 0 : 1);
            // The static address from the identity layer is up on the card with the host's MAC.
            for (let tries = 0; tries < 30 && !(await out('ip -4 addr')).includes(`${hosts[name].ip}/24`); tries += 1) await sleep(2000);
            expect(await out('ip -4 addr')).toContain(`inet ${hosts[name].ip}/24`);
            const machineId = (await out('cat /etc/machine-id')).trim();
            expect(machineId).toMatch(/^[0-9a-f]{32}$/);
            if (installer === 'own') expect(machineId).toBe(ownMachineId);
            const hostKey = (await out('cut -d" " -f2 /etc/ssh/ssh_host_ed25519_key.pub')).trim();
            if (installer === 'own') expect(hostKey).toBe(installedHostKey);
            else expect(hostKey).not.toBe(installedHostKey);
            expect((await out('systemctl is-active ssh.service')).trim()).toBe('active');
            // The first-boot unit reports to serve (through the forwarded port) and disables itself.
            let booted = false;
            for (let tries = 0; tries < 90 && !booted; tries += 1) {
              booted = (await storedEvents(paths, name)).some((event) => event.kind === 'booted');
              if (!booted) await sleep(2000);
            }
            expect(booted, `no booted event from ${name}\n${(await shell.run('journalctl -u rootcast-firstboot --no-pager | tail -20')).output}`).toBe(true);
            const event = (await storedEvents(paths, name)).find((stored) => stored.kind === 'booted');
            expect(event?.kind === 'booted' ? event.message : '').toBe(`kernel ${goldenKernel}`);
            // The script disables its unit right after serve took the report, then exits: wait (bounded) for both.
            const unitState = async (): Promise<string> =>
              `${(await shell.run('systemctl is-enabled rootcast-firstboot.service')).output.trim()} ${(await shell.run('systemctl is-active rootcast-firstboot.service')).output.trim()}`;
            let state = await unitState();
            for (let tries = 0; tries < 30 && state !== 'disabled inactive'; tries += 1) {
              await sleep(2000);
              state = await unitState();
            }
            expect(state, `rootcast-firstboot.service is not disabled and finished\n${(await shell.run('journalctl -u rootcast-firstboot --no-pager | tail -20')).output}`).toBe('disabled inactive');
            expect((await shell.run('test -e /etc/systemd/system/multi-user.target.wants/rootcast-firstboot.service')).exitCode).toBe(1);
            console.info(`clone-boot ${name}: booted, logged in, checked, booted event stored in ${seconds(started)}`);
            return { loginHost, machineId, hostKey };
          } finally {
            shell.close();
          }
        } finally {
          await vm.stop();
        }
      };

      const a = await deployAndBoot('clone-a', 'fresh');
      const b = await deployAndBoot('clone-b', 'own');
      expect([a.loginHost, b.loginHost]).toEqual(['clone-a', 'clone-b']);
      expect(a.machineId).not.toBe(b.machineId);
      expect(a.hostKey).not.toBe(b.hostKey);
    } finally {
      await serve?.stop();
      await removeHome(paths);
      rmSync(work, { recursive: true, force: true });
    }
  }, 60 * 60_000);
});

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { detectFootprint } from '../../src/identity/footprint.js';
import { readRootSnapshot } from '../../src/identity/read-root.js';
import { ensureDebootstrapRoot, type RootRecipe } from '../helpers/debootstrap-cache.js';
import type { Firmware } from '../helpers/gpt-disk.js';
import { buildInstalledDisk } from '../helpers/installed-disk.js';
import { diskBootArgs, startQemu } from '../helpers/qemu.js';
import { connectSerialConsole, type SerialConsole } from '../helpers/serial-console.js';
import { cloneRootPassword, goldenImageRecipe, installedHostname, installedSystemRecipe } from './support/clone-roots.js';

const slow = process.env.ROOTCAST_SLOW === '1';
// Login appeared after ~70 s on a loaded 2-core machine; the bound leaves room for a worse one.
const bootTimeoutMs = 5 * 60_000;

const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;
const load = (): string => `load ${loadavg().map((value) => value.toFixed(1)).join(' ')}`;
const kernelsIn = (root: string): string[] =>
  readdirSync(join(root, 'boot')).filter((name) => name.startsWith('vmlinuz-')).map((name) => name.slice('vmlinuz-'.length));

/** What a check gets once the disk's system is up and root is logged in on its serial console. */
interface BootedDisk {
  shell: SerialConsole;
  /** The host name getty printed in its login prompt. */
  loginHost: string;
  rootUuid: string;
}

/**
 * Builds a disk holding `recipe`'s root for `firmware` (buildInstalledDisk), boots it from its own
 * boot loader (no -kernel), logs in as root over the serial console and hands over to `check`.
 */
const withBootedDisk = async (name: string, recipe: RootRecipe, firmware: Firmware, check: (booted: BootedDisk) => Promise<void>): Promise<void> => {
  const root = await ensureDebootstrapRoot(recipe);
  const work = mkdtempSync(join(tmpdir(), `rootcast-clone-disk-${firmware}-`));
  try {
    const image = join(work, 'disk.img');
    let started = Date.now();
    const installed = await buildInstalledDisk({ root, image, firmware });
    let rootUuid: string;
    try {
      console.info(`clone-disk ${name} ${firmware}: disk built (GPT, mke2fs -d, grub-install, update-grub) in ${seconds(started)} (${load()})`);
      rootUuid = installed.rootUuid;
      const grubCfg = readFileSync(join(installed.mountpoint, 'boot/grub/grub.cfg'), 'utf8');
      // update-grub found the root by UUID (the by-uuid link the session made) and kept the serial settings.
      expect(grubCfg).toContain(`root=UUID=${rootUuid}`);
      expect(grubCfg).toContain('console=ttyS0,115200');
      expect(readFileSync(join(installed.mountpoint, 'etc/fstab'), 'utf8')).toContain(`UUID=${rootUuid} / ext4`);
    } finally {
      await installed.release();
    }

    const serialSocket = join(work, 'console.sock');
    started = Date.now();
    // No -kernel: SeaBIOS or OVMF must find grub on the disk.
    const vm = startQemu({ serialLog: join(work, 'serial.log'), serialSocket, args: diskBootArgs(image, firmware) });
    try {
      const login = await vm.waitForText(/^(\S+) login:/m, bootTimeoutMs);
      console.info(`clone-disk ${name} ${firmware}: "${login.match[0]}" after ${(login.elapsedMs / 1000).toFixed(1)} s (${load()})`);
      const shell = await connectSerialConsole(serialSocket);
      try {
        await shell.login('root', cloneRootPassword);
        // grub passed the command line update-grub wrote, with the root by UUID.
        const cmdline = (await shell.run('cat /proc/cmdline')).output;
        expect(cmdline).toMatch(/BOOT_IMAGE=\/boot\/vmlinuz-/);
        expect(cmdline).toContain(`root=UUID=${rootUuid}`);
        expect((await shell.run('findmnt -n -o SOURCE /')).output.trim()).toBe('/dev/vda2');
        expect((await shell.run('uname -r')).output.trim()).toBe(kernelsIn(root)[0]);
        await check({ shell, loginHost: login.match[1] ?? '', rootUuid });
        expect(vm.readSerial()).not.toMatch(/emergency mode|Failed to mount/);
        console.info(`clone-disk ${name} ${firmware}: booted, logged in and checked in ${seconds(started)}`);
      } finally {
        shell.close();
      }
    } finally {
      await vm.stop();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};

describe.skipIf(!slow)('clone-disk fixtures: an installed system on a GPT disk boots by itself; the golden image differs', () => {
  test('the golden root has another kernel, networkd instead of ifupdown, and no identity of its own', async () => {
    for (const [name, recipe] of [['installed system', installedSystemRecipe], ['golden image', goldenImageRecipe]] as const) {
      const started = Date.now();
      await ensureDebootstrapRoot(recipe);
      console.info(`clone-disk: ${name} root ready in ${seconds(started)} (${load()})`);
    }
    const installed = await ensureDebootstrapRoot(installedSystemRecipe);
    const golden = await ensureDebootstrapRoot(goldenImageRecipe);

    const goldenKernels = kernelsIn(golden);
    expect(goldenKernels).toHaveLength(1);
    expect(kernelsIn(installed)).toHaveLength(1);
    expect(kernelsIn(installed)).not.toEqual(goldenKernels);
    expect(existsSync(join(golden, `boot/initrd.img-${goldenKernels[0]}`))).toBe(true);
    expect(detectFootprint(await readRootSnapshot(golden))).toMatchObject({ kind: 'found', target: { stack: 'networkd' } });
    expect(detectFootprint(await readRootSnapshot(installed))).toMatchObject({ kind: 'found', target: { stack: 'ifupdown' } });

    expect(readdirSync(join(golden, 'etc/ssh')).filter((name) => name.startsWith('ssh_host_'))).toEqual([]);
    expect(readFileSync(join(golden, 'etc/machine-id'), 'utf8')).toBe('');
    expect(existsSync(join(golden, 'etc/hostname'))).toBe(false);
    for (const program of ['usr/bin/curl', 'usr/bin/rsync', 'usr/sbin/sshd', 'usr/sbin/grub-install']) expect(existsSync(join(golden, program)), program).toBe(true);
    expect(readFileSync(join(golden, 'etc/default/grub'), 'utf8')).toMatch(/GRUB_CMDLINE_LINUX="console=ttyS0,115200"[\s\S]*GRUB_TERMINAL="serial console"/);

    // The installed system keeps what its installer gave it.
    expect(readdirSync(join(installed, 'etc/ssh')).filter((name) => name.startsWith('ssh_host_'))).not.toEqual([]);
    expect(readFileSync(join(installed, 'etc/machine-id'), 'utf8')).toMatch(/^[0-9a-f]{32}\n$/);
    expect(readFileSync(join(installed, 'etc/hostname'), 'utf8')).toBe(`${installedHostname}\n`);
  });

  test('BIOS: the installed disk boots through its own grub to a serial login; commands run over the console', async () => {
    await withBootedDisk('installed', installedSystemRecipe, 'bios', async ({ shell, loginHost }) => {
      expect(loginHost).toBe(installedHostname);
      expect(await shell.run('cat /etc/hostname')).toEqual({ output: `${installedHostname}\n`, exitCode: 0 });
      expect((await shell.run('test -d /sys/firmware/efi')).exitCode).toBe(1);
      // Exit statuses and multi-line commands come back as they are.
      expect(await shell.run('echo one\n(exit 3)')).toEqual({ output: 'one\n', exitCode: 3 });
      // A wrong password is refused with a message that says so (logged out first: getty prompts again).
      shell.write('exit\n');
      await expect(shell.login('root', 'not-the-password')).rejects.toThrow(/refused/);
    });
  });

  test('UEFI: the installed disk boots through OVMF and grub on its ESP to a serial login', async () => {
    await withBootedDisk('installed', installedSystemRecipe, 'uefi', async ({ shell, loginHost }) => {
      expect(loginHost).toBe(installedHostname);
      expect((await shell.run('test -d /sys/firmware/efi')).exitCode).toBe(0);
      expect((await shell.run('findmnt -n -o FSTYPE /boot/efi')).output.trim()).toBe('vfat');
    });
  });

  test('the golden root boots from a disk too: its own kernel, networkd running, a machine id made at first boot', async () => {
    await withBootedDisk('golden', goldenImageRecipe, 'bios', async ({ shell }) => {
      expect((await shell.run('systemctl is-enabled systemd-networkd.service')).output.trim()).toBe('enabled');
      expect((await shell.run('systemctl is-active systemd-networkd.service')).output.trim()).toBe('active');
      expect((await shell.run('cat /etc/machine-id')).output).toMatch(/^[0-9a-f]{32}\n$/);
      expect((await shell.run('command -v ifup')).exitCode).toBe(1);
    });
  });
});

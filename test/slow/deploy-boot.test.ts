import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { execProcess } from '../../src/sys/exec.js';
import { ensureDebootstrapRoot, installedRootRecipe } from '../helpers/debootstrap-cache.js';
import { checkExt4Image, makeExt4Image, mountImage } from '../helpers/disk-image.js';
import { addVersion, makeTempHome, removeHome } from '../helpers/image-builder.js';
import { startQemu } from '../helpers/qemu.js';
import { bootableRootRecipe, findKernel } from './support/bootable-root.js';
import { buildRunnerBundle } from '../helpers/runner-harness.js';
import { startDeployServer } from './support/deploy-server.js';

const slow = process.env.ROOTCAST_SLOW === '1';
const host = 'web07';
// What debian-installer would have written; the runner must keep it (a kept path).
const installerFstab = '# written by the installer\n/dev/vda / ext4 errors=remount-ro 0 1\n';
const goldenMotd = 'rootcast bootable golden image\n';
const deployTimeoutMs = 10 * 60_000;
// Login appeared after ~40 s on these machines; the bound leaves room for a loaded CI machine.
const bootTimeoutMs = 5 * 60_000;

describe.skipIf(!slow)('end to end: the runner deploys a bootable golden root onto a disk, and it boots', () => {
  test('the deployed disk keeps the installer fstab and boots in QEMU to a login prompt for the host', async () => {
    const golden = await ensureDebootstrapRoot(bootableRootRecipe);
    const installed = await ensureDebootstrapRoot(installedRootRecipe);
    const work = mkdtempSync(join(tmpdir(), 'rootcast-deploy-boot-'));
    const paths = await makeTempHome('rootcast-deploy-boot-home-');
    try {
      const setupStarted = Date.now();
      const version = await addVersion(paths, 'web', golden);
      console.info(`deploy-boot: golden root stored as web@${version} in ${((Date.now() - setupStarted) / 1000).toFixed(1)} s`);
      const runner = join(work, 'runner.cjs');
      await buildRunnerBundle(runner);
      const served = await startDeployServer(paths, host, `web@${version}`, runner);
      const disk = join(work, 'disk.img');
      let kernel: { vmlinuz: string; initrd: string };
      try {
        // The "freshly installed" minimal system the installer leaves on the disk.
        makeExt4Image(installed, disk, { size: '2G' });
        const target = mountImage(disk);
        try {
          writeFileSync(join(target.mountpoint, 'etc/fstab'), installerFstab);
          const started = Date.now();
          const run = await execProcess({
            command: process.execPath,
            args: [runner, '--target', target.mountpoint, '--server', served.url, '--host', host, '--token', served.token, '--work-dir', join(work, 'run'), '--progress-interval', '30'],
            allowedExitCodes: [0, 1, 64, 65, 66, 69, 70, 75, 77],
            timeoutMs: deployTimeoutMs,
          });
          expect(run.exitCode, `runner failed:\n${run.stderr}\n--- server log ---\n${served.log.join('\n')}`).toBe(0);
          console.info(`deploy-boot: runner deployed web@${version} in ${((Date.now() - started) / 1000).toFixed(1)} s`);

          expect(readFileSync(join(target.mountpoint, 'etc/fstab'), 'utf8')).toBe(installerFstab);
          expect(readFileSync(join(target.mountpoint, 'etc/motd'), 'utf8')).toBe(goldenMotd);
          expect(existsSync(join(target.mountpoint, 'var/log/rootcast/install.log'))).toBe(true);
          // A fleet handed to startServer has no inventory, so no identity layer: the test names the host itself (clone-boot.test.ts has the real one).
          writeFileSync(join(target.mountpoint, 'etc/hostname'), `${host}\n`);
          // Boot the kernel the deploy put on the disk, not the one in the cache.
          const deployed = findKernel(target.mountpoint);
          kernel = { vmlinuz: join(work, basename(deployed.vmlinuz)), initrd: join(work, basename(deployed.initrd)) };
          copyFileSync(deployed.vmlinuz, kernel.vmlinuz);
          copyFileSync(deployed.initrd, kernel.initrd);
        } finally {
          target.release();
        }
      } finally {
        await served.server.stop();
      }
      checkExt4Image(disk);

      const vm = startQemu({
        serialLog: join(work, 'serial.log'),
        args: ['-kernel', kernel.vmlinuz, '-initrd', kernel.initrd, '-append', 'root=/dev/vda console=ttyS0', '-drive', `file=${disk},format=raw,if=virtio`],
      });
      try {
        const login = await vm.waitForText(/^(\S+) login:/m, bootTimeoutMs);
        console.info(`deploy-boot: "${login.match[0]}" after ${(login.elapsedMs / 1000).toFixed(1)} s`);
        expect(login.match[1]).toBe(host);
        // The root came up from fstab without falling back to an emergency shell.
        expect(vm.readSerial()).not.toMatch(/emergency mode|Failed to mount/);
      } finally {
        await vm.stop();
      }
    } finally {
      await removeHome(paths);
      rmSync(work, { recursive: true, force: true });
    }
  });
});

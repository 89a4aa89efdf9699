import { deployFacts, deployInstructions, stepOf } from './deploy-fixtures.js';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadDistroProfilesSync } from '../../../src/answer/load-distro-profiles.js';
import { findPackageRoot } from '../../../src/package/package-root.js';
import type { PostDeploy } from '../../../src/protocol/deploy-protocol.js';
import { deployedStateSchema } from '../../../src/protocol/deployed-state.js';
import { findBootDisks } from '../../../src/runner/boot-facts.js';
import type { DeployFacts } from '../../../src/runner/facts.js';
import { planBootCommands, planTargetCommand } from '../../../src/runner/plan-boot.js';
import { deliveryOf, nextDeployedState } from '../../../src/runner/plan-deployed-state.js';
import { planFirstBoot } from '../../../src/runner/plan-first-boot.js';
import { describeMissingMountPoints, needsMachineId } from '../../../src/runner/plan-identity.js';
import { planDeploy, type PlanSettings } from '../../../src/runner/plan.js';
import { formatPlan } from '../../../src/runner/print-plan.js';
import type { Step } from '../../../src/runner/steps.js';
import { buildToolboxExcludes } from '../../../src/runner/toolbox-excludes.js';
import { planUpdateExcludes } from '../../../src/update/update-excludes.js';
import { parseFstab } from '../../../src/sys/fstab.js';
import { formatPlannedCommand } from '../../../src/sys/planned-command.js';
import { parentsBelow } from '../../../src/sys/dir-times.js';

const digest = (n: string): string => `sha256:${n.repeat(64)}`;
// The shipped profile: what serve sends a Debian host.
const shippedDebian = loadDistroProfilesSync(join(findPackageRoot(), 'kickstart')).get('debian12')?.postDeploy;
if (shippedDebian === undefined) throw new Error('kickstart/debian12.yaml has no postDeploy');
const debian: PostDeploy = shippedDebian;
const rhel: PostDeploy = {
  initramfs: ['dracut -f --regenerate-all'],
  bootloader: {
    bios: ['grub2-install --target=i386-pc {disk}'],
    efi: [],
    config: ['for kver in $(ls /lib/modules); do kernel-install add "$kver" "/lib/modules/$kver/vmlinuz" || exit 1; done', 'grub2-mkconfig -o /boot/grub2/grub.cfg'],
  },
  relabel: ['touch /.autorelabel'],
};
const instructions = deployInstructions;
const overrides = {
  url: 'rsync://install.web07@images.example:8873/ovl.web07/',
  imageFilters: ['- /etc/motd', '- /etc/app', 'H /etc/cron.d/old'],
  overridesFilters: ['P /etc/fstab', 'P /etc/fstab/**', 'R /etc/app/**', 'P *'],
  layers: [{ layer: 'identity/web07', digest: digest('1') }, { layer: 'all', digest: digest('2') }, { layer: 'host/web07', digest: digest('3') }],
  treeDigest: digest('4'),
};
const facts = (more: Partial<DeployFacts> = {}): DeployFacts =>
  deployFacts({
    installedFstab: parseFstab('UUID=1 / ext4 defaults 0 1\n/swap/file none swap sw 0 0\n'),
    boot: { firmware: 'bios', disks: { ok: true, disks: ['/dev/sda', '/dev/sdb'] } },
    ...more,
  });
const settings = (boot: PlanSettings['boot'] = { enabled: true }): PlanSettings => ({ workDir: '/run/rootcast', ioTimeoutSeconds: 60, server: 'http://10.0.0.1:8780', boot });
const lines = (step: Step): string[] => ('commands' in step ? step.commands : []).map(formatPlannedCommand);

describe('image pass and overrides pass', () => {
  test('the image pass takes serve\'s image filters, one --filter each, in order, after the protected paths', () => {
    const args = stepOf(planDeploy(instructions({ overrides }), facts(), settings()), 'sync-image').pull.args;
    const rules = args.filter((arg) => arg.startsWith('--filter=') || arg.startsWith('--exclude='));
    expect(rules.slice(-3)).toEqual(['--filter=- /etc/motd', '--filter=- /etc/app', '--filter=H /etc/cron.d/old']);
    expect(rules.indexOf('--exclude=/etc/ssh/ssh_host_*')).toBeLessThan(rules.indexOf('--filter=- /etc/motd'));
  });

  test('the overrides pass: checksums, no sparse scan, the host module at the resolved address, its filters in order', () => {
    const step = stepOf(planDeploy(instructions({ overrides }), facts(), settings()), 'overrides');
    if (!('pull' in step)) throw new Error('expected a pull');
    expect(formatPlannedCommand(step.pull)).toBe(
      'chroot /run/rootcast/toolbox.42 rsync -aHAX --numeric-ids --delete --stats --info=progress2 --checksum --sockopts=TCP_NODELAY --no-inc-recursive --timeout=60 --contimeout=60 '
      + "'--filter=P /etc/fstab' '--filter=P /etc/fstab/**' '--filter=R /etc/app/**' '--filter=P *' -- rsync://install.web07@10.0.0.1:8873/ovl.web07/ /target/",
    );
    expect(step.pull).toMatchObject({ where: 'namespace', env: ['PATH', 'LC_ALL', 'HOME', 'RSYNC_PASSWORD'], okExitCodes: [0, 24] });
    expect(step.what).toBe('override layers of web07 (identity/web07, all, host/web07)');
  });

  test('without layers from serve the overrides phase is skipped and the image pass has no filters', () => {
    const steps = planDeploy(instructions(), facts(), settings());
    expect(stepOf(steps, 'overrides')).toEqual({ kind: 'overrides', skipped: 'serve sent no override layers for this host' });
    expect(stepOf(steps, 'sync-image').pull.args.some((arg) => arg.startsWith('--filter='))).toBe(false);
  });
});

describe('identity', () => {
  test('binds /proc /sys /dev into the target and plans ssh-keygen -A chrooted there, guarded by the target\'s sshd', () => {
    const step = stepOf(planDeploy(instructions(), facts(), settings()), 'identity');
    expect(step.targetMounts.map(formatPlannedCommand)).toEqual([
      'mkdir -p /run/rootcast/toolbox.42/target/proc /run/rootcast/toolbox.42/target/sys /run/rootcast/toolbox.42/target/dev',
      'mount --rbind /proc /run/rootcast/toolbox.42/target/proc',
      'mount --rbind /sys /run/rootcast/toolbox.42/target/sys',
      'mount --rbind /dev /run/rootcast/toolbox.42/target/dev',
    ]);
    expect(formatPlannedCommand(step.hostKeys.command)).toBe('chroot /run/rootcast/toolbox.42/target ssh-keygen -A');
    expect(step.hostKeys.when).toBe('/mnt/sysroot/usr/sbin/sshd');
    expect(step.machineIdFile).toBe('/mnt/sysroot/etc/machine-id');
    expect(step.warnings).toEqual([]);
  });

  test('a machine id is written only where the installer left none (missing, empty, blank)', () => {
    expect([undefined, '', '\n', '  '].map(needsMachineId)).toEqual([true, true, true, true]);
    expect(needsMachineId('0123456789abcdef0123456789abcdef\n')).toBe(false);
    expect(needsMachineId('symlink')).toBe(false);
  });

  test('mount points the image\'s fstab has and the installed one lacks become a warning, in the plan and its text', () => {
    const steps = planDeploy(instructions({ imageMountPoints: ['/', '/var', '/srv/data/'] }), facts(), settings());
    const step = stepOf(steps, 'identity');
    expect(step.warnings).toEqual([expect.stringMatching(/^warning: the image's fstab mounts \/var, \/srv\/data, which this machine's fstab/)]);
    expect(formatPlan(steps)).toContain('warning: the image\'s fstab mounts /var, /srv/data');
    expect(describeMissingMountPoints(['/', '/boot'], parseFstab('UUID=1 / ext4 defaults 0 1\nUUID=2 /boot ext4 defaults 0 2\n'))).toBeUndefined();
  });
});

describe('bootloader', () => {
  test('Debian on BIOS: initramfs, grub-install on every disk under the root, update-grub, all chrooted into the target', () => {
    const step = stepOf(planDeploy(instructions({ postDeploy: debian }), facts(), settings()), 'bootloader');
    expect(lines(step)).toEqual([
      'chroot /run/rootcast/toolbox.42/target update-initramfs -u -k all',
      'chroot /run/rootcast/toolbox.42/target grub-install --target=i386-pc /dev/sda',
      'chroot /run/rootcast/toolbox.42/target grub-install --target=i386-pc /dev/sdb',
      'chroot /run/rootcast/toolbox.42/target update-grub',
    ]);
    expect(stepOf(planDeploy(instructions({ postDeploy: debian }), facts(), settings()), 'preflight').checks.at(-1)).toMatchObject({ name: 'boot-disk', ok: true });
  });

  test('Debian on EFI (found or forced): the EFI grub-install, no disk needed', () => {
    const forced = stepOf(planDeploy(instructions({ postDeploy: debian }), facts(), settings({ enabled: true, firmware: 'efi' })), 'bootloader');
    const found = stepOf(planDeploy(instructions({ postDeploy: debian }), facts({ boot: { firmware: 'efi', disks: { ok: false, problem: 'x' } } }), settings()), 'bootloader');
    for (const step of [forced, found]) {
      expect(lines(step)).toEqual([
        'chroot /run/rootcast/toolbox.42/target update-initramfs -u -k all',
        'chroot /run/rootcast/toolbox.42/target grub-install --target=x86_64-efi --efi-directory=/boot/efi --bootloader-id=debian --no-nvram --force-extra-removable',
        'chroot /run/rootcast/toolbox.42/target update-grub',
      ]);
    }
    expect(stepOf(planDeploy(instructions({ postDeploy: debian }), facts({ boot: { firmware: 'efi', disks: { ok: false, problem: 'x' } } }), settings()), 'preflight').checks.every((check) => check.ok)).toBe(true);
  });

  test('RHEL: dracut, grub2-install on --boot-disk, shell lines as sh -c, grub2-mkconfig, relabel', () => {
    const step = stepOf(planDeploy(instructions({ family: 'rhel', postDeploy: rhel }), facts(), settings({ enabled: true, firmware: 'bios', disks: ['/dev/vdb'] })), 'bootloader');
    expect(lines(step)).toEqual([
      'chroot /run/rootcast/toolbox.42/target dracut -f --regenerate-all',
      'chroot /run/rootcast/toolbox.42/target grub2-install --target=i386-pc /dev/vdb',
      `chroot /run/rootcast/toolbox.42/target sh -c 'for kver in $(ls /lib/modules); do kernel-install add "$kver" "/lib/modules/$kver/vmlinuz" || exit 1; done'`,
      'chroot /run/rootcast/toolbox.42/target grub2-mkconfig -o /boot/grub2/grub.cfg',
      'chroot /run/rootcast/toolbox.42/target touch /.autorelabel',
    ]);
    expect(planBootCommands({ postDeploy: rhel, firmware: 'efi', disks: ['/dev/vdb'] }, { targetDir: '/t' }).map((command) => command.program)).toEqual(['dracut', 'sh', 'grub2-mkconfig', 'touch']);
  });

  test('an unknown boot disk fails preflight (64) with what to pass; --no-bootloader and a host without boot commands skip the phase', () => {
    const unknown = facts({ boot: { firmware: 'bios', disks: { ok: false, problem: '/mnt/sysroot is a bind mount of /srv/x on /dev/sda1, not a file system\'s root' } } });
    const check = stepOf(planDeploy(instructions({ postDeploy: debian }), unknown, settings()), 'preflight').checks.find((candidate) => candidate.name === 'boot-disk');
    expect(check).toMatchObject({ ok: false, failure: { code: 'USAGE', message: expect.stringContaining('bind mount of /srv/x'), hint: expect.stringMatching(/--boot-disk[\s\S]*--no-bootloader/) } });
    expect(stepOf(planDeploy(instructions({ postDeploy: debian }), unknown, settings({ enabled: false })), 'bootloader')).toMatchObject({ skipped: expect.stringMatching(/^--no-bootloader/) });
    expect(stepOf(planDeploy(instructions({ postDeploy: debian }), unknown, settings({ enabled: false })), 'preflight').checks.every((candidate) => candidate.ok)).toBe(true);
    expect(stepOf(planDeploy(instructions(), unknown, settings()), 'bootloader')).toMatchObject({ skipped: expect.stringMatching(/no boot commands/) });
  });

  test('a profile line runs as argv when it is plain words, else through sh -c; the chroot and place are parameters', () => {
    expect(planTargetCommand('update-grub', { targetDir: '/' , where: 'here' })).toEqual({ program: 'update-grub', args: [], env: ['PATH', 'LC_ALL', 'HOME'], where: 'here', chroot: '/', okExitCodes: [0] });
    expect(planTargetCommand('test -d /x && echo y', { targetDir: '/t' })).toMatchObject({ program: 'sh', args: ['-c', 'test -d /x && echo y'], where: 'namespace' });
  });

  test('the boot disks: the root mount\'s disks; a bind mount of a directory, a device-less mount or no mount has none', async () => {
    const mountinfo = [
      '22 1 8:2 / / rw,relatime - ext4 /dev/sda2 rw',
      '30 22 8:2 /srv/fake /mnt/fake rw,relatime - ext4 /dev/sda2 rw',
      '31 22 0:50 / /mnt/tmp rw - tmpfs tmpfs rw',
      '32 22 253:0 / /mnt/sysroot rw - ext4 /dev/mapper/vg-root rw',
    ].join('\n');
    const disksOf = async (device: string): Promise<string[]> => (device === '/dev/mapper/vg-root' ? ['/dev/sda', '/dev/sdb'] : ['/dev/sda']);
    expect(await findBootDisks(mountinfo, '/mnt/sysroot', disksOf)).toEqual({ ok: true, disks: ['/dev/sda', '/dev/sdb'] });
    expect(await findBootDisks(mountinfo, '/mnt/fake', disksOf)).toEqual({ ok: false, problem: '/mnt/fake is a bind mount of /srv/fake on /dev/sda2, not a file system\'s root' });
    expect(await findBootDisks(mountinfo, '/mnt/tmp', disksOf)).toMatchObject({ ok: false, problem: expect.stringContaining('not a block device') });
    expect(await findBootDisks(mountinfo, '/elsewhere', disksOf)).toEqual({ ok: false, problem: '/elsewhere is not a mount point' });
  });
});

describe('finish: swap, deployed.json, first boot', () => {
  test('swap files (the usual ones and what the installed fstab lists) stay out of the RAM copy, and the image pass neither writes nor deletes them', () => {
    const steps = planDeploy(instructions(), facts(), settings());
    const copy = stepOf(steps, 'ram-copy').copy.args;
    expect(copy).toEqual(expect.arrayContaining(['--exclude=/swapfile', '--exclude=/swap.img', '--exclude=/swap/file']));
    // The same rule as an update's (update-excludes.ts): the kept fstab still names them.
    const pass = stepOf(steps, 'sync-image').pull.args;
    expect(pass).toEqual(expect.arrayContaining(['--exclude=/swapfile', '--exclude=/swap.img', '--exclude=/swap/file']));
    expect(planUpdateExcludes({ keepPaths: [], captureExcludes: [], adminPatterns: [], foreignMounts: [], swapFiles: ['/swap/file'], linkedDataDirs: [] }))
      .toEqual(expect.arrayContaining(['/swapfile', '/swap.img', '/swap/file']));
    // Patterns are rsync's: a listed name with wildcard characters is escaped to mean itself.
    expect(buildToolboxExcludes('/mnt/sysroot', '/run/rootcast', ['/swap[1]'])).toContain('/swap\\[1]');
  });

  test('deployed.json: this delivery current, the previous current first in the history; a broken file starts over (noted)', () => {
    const delivery = { ...deliveryOf(instructions({ overrides }), 'install'), at: '2026-11-27T06:00:00.000Z' };
    expect(delivery.overrides).toEqual({ layers: overrides.layers, treeDigest: overrides.treeDigest });
    expect(deliveryOf(instructions(), 'install').overrides).toBeNull();
    const first = nextDeployedState(undefined, 'web07', 'http://s:8780', delivery);
    expect(first).toEqual({ state: { formatVersion: 1, host: 'web07', server: 'http://s:8780', current: delivery, history: [] } });
    const later = { ...delivery, version: 4, ref: 'web@4' };
    const second = nextDeployedState(JSON.stringify(first.state), 'web07', 'http://s:8780', later);
    expect(second.state.current).toEqual(later);
    expect(second.state.history).toEqual([delivery]);
    expect(deployedStateSchema.safeParse(second.state).success).toBe(true);
    expect(nextDeployedState('{not json', 'web07', 'http://s:8780', later)).toMatchObject({ state: { history: [] }, note: expect.stringContaining('not a valid record') });
  });

  test('the first-boot files come from serve\'s /boot/ and go where the unit expects them, enabled by a wants link', () => {
    expect(planFirstBoot('http://s:8780/', '/mnt/sysroot')).toEqual({
      root: '/mnt/sysroot',
      files: [
        { file: 'script', url: 'http://s:8780/boot/rootcast-firstboot.sh', path: '/mnt/sysroot/usr/local/lib/rootcast/firstboot.sh', mode: 0o755 },
        { file: 'unit', url: 'http://s:8780/boot/rootcast-firstboot.service', path: '/mnt/sysroot/etc/systemd/system/rootcast-firstboot.service', mode: 0o644 },
      ],
      link: { path: '/mnt/sysroot/etc/systemd/system/multi-user.target.wants/rootcast-firstboot.service', target: '/etc/systemd/system/rootcast-firstboot.service' },
    });
  });
});

describe('directory times around the runner\'s own files', () => {
  test('parentsBelow lists the directories up to, not including, the root', () => {
    expect(parentsBelow('/mnt/t', '/mnt/t/etc/systemd/system/x.service')).toEqual(['/mnt/t/etc/systemd/system', '/mnt/t/etc/systemd', '/mnt/t/etc']);
    expect(parentsBelow('/', '/etc/machine-id')).toEqual(['/etc']);
    expect(parentsBelow('/mnt/t', '/elsewhere/x')).toEqual([]);
  });
});

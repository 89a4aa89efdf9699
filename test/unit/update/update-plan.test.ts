import { describe, expect, test } from 'vitest';
import { updateTargetProblem } from '../../../src/server/handlers/update.js';
import { parseUpdateQuery } from '../../../src/server/route-query.js';
import { matchRoute } from '../../../src/server/routes.js';
import { parseSizedItemizedChanges } from '../../../src/sys/rsync-output.js';
import { foreignMountsBelow } from '../../../src/update/host-facts.js';
import { formatPlannedCommand, type PlannedCommand } from '../../../src/sys/planned-command.js';
import type { Exec } from '../../../src/sys/exec.js';
import { rebootIfNeeded } from '../../../src/update/reboot.js';
import { formatUpdateCommand, listUpdateCommands, type UpdateCommand } from '../../../src/update/update-commands.js';
import { spawnedLine } from '../../helpers/recording-exec.js';
import { chooseUpdateRef, planUpdate, planUpdateBootCommands } from '../../../src/update/plan-update.js';
import { changedUnits, describeChanges, needsReboot, ownerOf, summariseChanges } from '../../../src/update/update-changes.js';
import { parseUpdateExcludeFile, planUpdateExcludes } from '../../../src/update/update-excludes.js';
import { parseUpdateOptions } from '../../../src/update/update-options.js';
import { hostUpdateFacts, updateInstructions } from './update-fixtures.js';

const owners = [
  { path: '/etc/motd', layer: 'all', kind: 'provides' as const },
  { path: '/etc/app', layer: 'group/web', kind: 'removes' as const },
  { path: '/etc/app/new.conf', layer: 'group/web', kind: 'provides' as const },
  { path: '/etc/hostname', layer: 'host/web07', kind: 'provides' as const },
];

describe('what an update changes', () => {
  test('rsync item lines with sizes become actions, size changes and owners', () => {
    const items = parseSizedItemizedChanges(['6 >f.s....... etc/motd', '4 >f+++++++++ etc/app/new.conf', '0 *deleting   etc/app/old.conf', '4096 .d..t...... usr/', 'Number of files: 3', ''].join('\n'));
    const sizes: Record<string, number> = { '/etc/motd': 4, '/etc/app/old.conf': 9 };
    const changes = describeChanges('image', items, owners, (path) => sizes[path] ?? 0);
    expect(changes.map(({ path, action, sizeDelta, owner }) => [path, action, sizeDelta, owner])).toEqual([
      ['/etc/motd', 'change', 2, 'all'],
      ['/etc/app/new.conf', 'add', 4, 'group/web'],
      ['/etc/app/old.conf', 'delete', -9, 'group/web'],
      ['/usr', 'attrs', 0, 'image'],
    ]);
    expect(summariseChanges(changes)).toEqual({ add: 1, change: 1, delete: 1, attrs: 1, files: 4, sizeDelta: -3 });
    expect(needsReboot(changes)).toBe(false);
    expect(needsReboot([{ ...changes[0]!, path: '/usr/lib/modules/6.2/kernel.ko' }])).toBe(true);
    expect(needsReboot([{ ...changes[3]!, path: '/boot/grub' }])).toBe(false);
    const unit = (path: string) => ({ ...changes[0]!, path });
    expect(changedUnits([unit('/usr/lib/systemd/system/nginx.service'), unit('/etc/systemd/system/multi-user.target.wants/app.service'), unit('/etc/nginx/nginx.conf'), unit('/lib/systemd/system/nginx.service')])).toEqual(['app.service', 'nginx.service']);
  });

  test('owners: the providing layer, else the nearest removal above, else the image', () => {
    expect(ownerOf(owners, '/etc/hostname')).toBe('host/web07');
    expect(ownerOf(owners, '/etc/app/sub/x')).toBe('group/web');
    expect(ownerOf(owners, '/etc/passwd')).toBe('image');
  });

  test('excludes: kept paths, built-ins, the admin file and foreign mounts, each once', () => {
    expect(parseUpdateExcludeFile('# comment\n\n/srv/keep/\n  /opt/x  \n')).toEqual(['/srv/keep/', '/opt/x']);
    const none = { keepPaths: [], captureExcludes: [], adminPatterns: [], foreignMounts: [], swapFiles: [], linkedDataDirs: [] };
    const excludes = planUpdateExcludes({ ...none, keepPaths: ['/etc/fstab', '/boot/efi/'], captureExcludes: ['/etc/fstab', '/var/cache/apt/*.bin'], adminPatterns: ['/srv/keep/'], foreignMounts: ['/mnt/nfs', '/mnt/[odd]'], swapFiles: ['/data/swap*1'] });
    expect(excludes.filter((pattern) => pattern === '/etc/fstab')).toHaveLength(1);
    expect(excludes).toEqual(expect.arrayContaining(['/boot/efi/', '/etc/rootcast/', '/home/*', '/var/lib/mysql', '/srv/keep/', '/mnt/nfs/', '/etc/machine-id', '/boot/grub/i386-pc/', '/boot/grub/grub.cfg', '/var/cache/apt/*.bin', '/var/mail/*']));
    // Paths from the host's fstab and mount table match only themselves.
    expect(excludes).toEqual(expect.arrayContaining(['/mnt/\\[odd]/', '/data/swap\\*1']));
    expect(excludes).not.toContain('/var/lib/dpkg/');
    // On the running system, the running kernel's modules stay until the reboot.
    expect(planUpdateExcludes({ ...none, runningKernel: '6.1.0-28-amd64' })).toEqual(expect.arrayContaining(['/usr/lib/modules/6.1.0-28-amd64/', '/lib/modules/6.1.0-28-amd64/']));
    expect(planUpdateExcludes(none).filter((pattern) => pattern.includes('/modules/'))).toEqual([]);
    const mounts = [
      { device: 'srv:/x', mountPoint: '/hosts/a/mnt/nfs', fsType: 'nfs4', options: '' },
      { device: '/dev/sdb1', mountPoint: '/hosts/a/var', fsType: 'ext4', options: '' },
      { device: 'srv:/y', mountPoint: '/elsewhere', fsType: 'nfs', options: '' },
    ];
    expect(foreignMountsBelow(mounts, '/hosts/a')).toEqual(['/mnt/nfs']);
    expect(foreignMountsBelow(mounts, '/')).toEqual(['/hosts/a/mnt/nfs', '/hosts/a/var', '/elsewhere']);
    // Local file systems of the host's own (data, a bind mount, an ESP) are left alone like network ones.
    const local = [
      { device: '/dev/sdc1', mountPoint: '/data', fsType: 'xfs', options: '' },
      { device: '/dev/sda1', mountPoint: '/efi', fsType: 'vfat', options: '' },
      { device: '/dev/sda3', mountPoint: '/boot', fsType: 'ext4', options: '' },
      { device: 'proc', mountPoint: '/proc', fsType: 'proc', options: '' },
    ];
    expect(foreignMountsBelow(local, '/')).toEqual(['/data', '/efi', '/proc']);
  });

  test('the target: --image, --rollback to the newest different version, an interrupted update, or the inventory', () => {
    const at = '2026-01-01T00:00:00Z';
    const entry = (ref: string) => ({ image: 'web', version: Number(ref.split('@')[1]), ref, via: 'update' as const, at, overrides: null });
    const deployed = { formatVersion: 1 as const, host: 'web07', server: 'http://s', current: entry('web@3'), history: [entry('web@3'), entry('web@2')] };
    expect(chooseUpdateRef({ image: 'web@5', rollback: false }, { deployed, marker: undefined })).toBe('web@5');
    expect(chooseUpdateRef({ image: undefined, rollback: true }, { deployed, marker: undefined })).toBe('web@2');
    expect(chooseUpdateRef({ image: undefined, rollback: false }, { deployed, marker: { ref: 'web@4', via: 'update', since: at } })).toBe('web@4');
    expect(chooseUpdateRef({ image: undefined, rollback: false }, { deployed, marker: undefined })).toBeUndefined();
    expect(chooseUpdateRef({ image: undefined, rollback: true }, { deployed: undefined, marker: undefined })).toBeUndefined();
    // An update to web@4 was interrupted: web@3 is still what the host records, so going back means web@3, not web@2.
    expect(chooseUpdateRef({ image: undefined, rollback: true }, { deployed, marker: { ref: 'web@4', via: 'update', since: at } })).toBe('web@3');
  });

  test('boot lines: chrooted into /; a mounted root first gets /proc, /sys and /dev bound in, inside the namespace', () => {
    const lines = ['update-initramfs -u -k all', 'update-grub'];
    const live = planUpdateBootCommands(lines, '/');
    expect(live.map(formatPlannedCommand)).toEqual(['chroot / update-initramfs -u -k all', 'chroot / update-grub']);
    expect(live.every((command) => command.where === 'here')).toBe(true);
    const mounted = planUpdateBootCommands(lines, '/mnt/disk');
    expect(mounted.map(formatPlannedCommand)).toEqual([
      'mount --rbind /proc /mnt/disk/proc',
      'mount --rbind /sys /mnt/disk/sys',
      'mount --rbind /dev /mnt/disk/dev',
      'chroot /mnt/disk update-initramfs -u -k all',
      'chroot /mnt/disk update-grub',
    ]);
    expect(mounted.every((command) => command.where === 'namespace')).toBe(true);
  });

  test('the plan holds every command in the order it runs, the dry run\'s previews apart; --reboot only for the running root, run as planned', async () => {
    const instructions = updateInstructions();
    const facts = hostUpdateFacts({ marker: { ref: 'web@2', via: 'update', since: '2026-01-01T00:00:00Z' } });
    const plan = planUpdate(instructions, facts, parseUpdateOptions({ reboot: true, dryRun: true }));
    const listed = listUpdateCommands(plan);
    expect(listed.map((entry) => entry.command.program)).toEqual(['unshare', 'rsync', 'find', 'rm', 'systemctl']);
    expect(listed.map((entry) => entry.when)).toEqual([undefined, undefined, expect.stringMatching(/interrupted/), expect.stringMatching(/interrupted/), 'only if a kernel or /boot changed']);
    // A dry run prints the update's own pass; it lists the changes with the preview, the same pass plus --dry-run.
    const [pass] = plan.passes;
    expect(pass?.command.args).not.toContain('--dry-run');
    expect(pass?.preview.args).toContain('--dry-run');
    expect(formatUpdateCommand(listed.at(-1) as UpdateCommand)).toBe('systemctl reboot    # only if a kernel or /boot changed');
    expect(planUpdate(instructions, { ...facts, root: '/mnt/disk', marker: undefined }, parseUpdateOptions({ reboot: true, targetRoot: '/mnt/disk' })).reboot).toBeUndefined();
    // The machine cannot be rebooted here: the exec records instead; what it is asked to run is the planned line.
    const asked: string[] = [];
    const exec: Exec = async (request) => {
      asked.push(spawnedLine({ ...request }));
      return { exitCode: 0, stdout: '', stderr: '', commandLine: '' };
    };
    const notes: string[] = [];
    await rebootIfNeeded({ dryRun: false, rebootNeeded: true }, plan.reboot, { reboot: true, targetRoot: '/' }, { exec, note: (line) => notes.push(line) });
    expect(asked).toEqual([formatPlannedCommand(plan.reboot as PlannedCommand)]);
    await rebootIfNeeded({ dryRun: false, rebootNeeded: false }, plan.reboot, { reboot: true, targetRoot: '/' }, { exec, note: () => undefined });
    await rebootIfNeeded({ dryRun: false, rebootNeeded: true }, undefined, { reboot: true, targetRoot: '/mnt/disk' }, { exec, note: (line) => notes.push(line) });
    expect(asked).toHaveLength(1);
    expect(notes.at(-1)).toBe('note: --reboot skipped: /mnt/disk is not the running system');
  });

  test('options: every problem at once (64)', () => {
    expect(() => parseUpdateOptions({ image: 'web@0', rollback: true, text: true, via: 'mail', retries: '0' })).toThrow(/5 problems/);
    expect(parseUpdateOptions({ targetRoot: 'rel/dir', noDelete: true })).toMatchObject({ delete: false, via: 'update', image: undefined, stallSeconds: 90 });
    expect(() => parseUpdateOptions({ stallTimeout: '0' })).toThrow(/--stall-timeout "0" is not a whole number from 1/);
  });

  test('--stall-timeout reaches both passes and their dry-run previews (a silent comparison of a huge root is not a stall)', () => {
    const plan = planUpdate(updateInstructions(), hostUpdateFacts(), parseUpdateOptions({ stallTimeout: '600' }));
    expect(plan.passes.length).toBeGreaterThan(0);
    expect(plan.passes.flatMap((pass) => [pass.command.stallSeconds, pass.preview.stallSeconds])).toEqual(plan.passes.flatMap(() => [600, 600]));
  });
});

describe('the update request on the server', () => {
  test('route and query: ref, via, dry; anything else is a 400', () => {
    expect(matchRoute('GET', '/api/v1/hosts/web07/update?ref=web%408&via=push&dry=1')).toEqual({ ok: true, route: { kind: 'update', host: 'web07', query: { ref: 'web@8', via: 'push', dry: true } } });
    expect(matchRoute('POST', '/api/v1/hosts/web07/update')).toMatchObject({ ok: false, status: 405 });
    expect(parseUpdateQuery('/x?via=mail')).toEqual({ ok: false, reason: 'via: "mail" is not one of update, push' });
    expect(parseUpdateQuery('/x?token=1')).toMatchObject({ ok: false });
  });

  test('a host is never moved to another image unasked, nor to one its daemon user cannot read', () => {
    expect(updateTargetProblem('web07', 'web@stable', undefined, 'web@3')).toBeUndefined();
    expect(updateTargetProblem('web07', 'web@stable', 'web@2', 'web@3')).toBeUndefined();
    expect(updateTargetProblem('web07', 'db@1', undefined, 'web@3')).toMatch(/runs image "web" and the inventory now gives it "db@1"/);
    expect(updateTargetProblem('web07', 'db@1', 'db@1', 'web@3')).toBeUndefined();
    expect(updateTargetProblem('web07', 'db@1', 'web@3', 'web@3')).toMatch(/set to image "db" in the inventory; "web@3" is another image/);
  });
});

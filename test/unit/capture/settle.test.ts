import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildCaptureWarnings, imagePathOf, maxWarningPaths } from '../../../src/capture/capture-warnings.js';
import { parseProcMounts } from '../../../src/sys/mount-table.js';
import { planCapture, type CapturePlanInput } from '../../../src/capture/plan.js';
import { buildFilesFromList, decideAfterListing, parseSettleRepulls, selectChangedFiles } from '../../../src/capture/settle.js';
import { formatCapturePlan, formatCaptureWarnings } from '../../../src/capture/summary.js';
import { isRootcastError } from '../../../src/errors/rootcast-error.js';
import { renderVersionDetails } from '../../../src/image/report-text.js';
import type { ImageManifest } from '../../../src/image/manifest.js';
import { SubprocessError, type ExecResult } from '../../../src/sys/exec.js';
import { formatPlannedCommand, type PlannedCommand } from '../../../src/sys/planned-command.js';
import { buildRsyncArgs, isVanishedExit, runRsync } from '../../../src/sys/rsync.js';
import { decodeRsyncName, parseItemizedChanges, parseVanishedPaths, reportsOnlyVanishedFiles } from '../../../src/sys/rsync-output.js';

const bytes = (text: string): Buffer => Buffer.from(text);

describe('rsync report lines', () => {
  test('vanished lines from stderr, with rsync escapes decoded; other lines ignored', () => {
    const stderr = [
      'file has vanished: "/srv/roots/web/var/log/a.log"',
      'file has vanished: "/srv/roots/web/tmp/a\\#012b \\#303\\#251"',
      'file has vanished: "/srv/q"uote"',
      'rsync warning: some files vanished before they could be transferred (code 24) at main.c(1394) [sender=3.5.0]',
      'rsync: [sender] send_files failed to open "/srv/x": Permission denied (13)',
      '',
    ].join('\n');
    expect(parseVanishedPaths(stderr)).toEqual([bytes('/srv/roots/web/var/log/a.log'), bytes('/srv/roots/web/tmp/a\nb é'), bytes('/srv/q"uote')]);
    expect(parseVanishedPaths('')).toEqual([]);
  });

  // Seen on a churning tree over ssh: the file vanished between its listing and its ACL read (exit 23, not 24).
  const aclVanished = 'rsync: [sender] get_acl: sys_acl_get_file(srv/churn/f122710, ACL_TYPE_ACCESS): No such file or directory (2)';
  const xattrVanished = 'rsync: [sender] get_xattr_names: llistxattr("/srv/churn/f9",1024) failed: No such file or directory (2)';
  const exit23 = 'rsync error: some files/attrs were not transferred (see previous errors) (code 23) at main.c(1956) [generator=3.5.0]';

  test('a file gone before its ACL or xattr read counts as vanished; exit 23 is vanished-only when nothing else went wrong', () => {
    const stderr = ['file has vanished: "/srv/churn/f1"', aclVanished, xattrVanished, exit23, ''].join('\n');
    expect(parseVanishedPaths(stderr)).toEqual([bytes('/srv/churn/f1'), bytes('srv/churn/f122710'), bytes('/srv/churn/f9')]);
    expect(reportsOnlyVanishedFiles(stderr)).toBe(true);
    expect(reportsOnlyVanishedFiles(`${aclVanished}\nrsync: [sender] send_files failed to open "/etc/shadow": Permission denied (13)\n${exit23}\n`)).toBe(false);
    expect(reportsOnlyVanishedFiles('rsync: [sender] get_acl: sys_acl_get_file(x, ACL_TYPE_ACCESS): Input/output error (5)\n')).toBe(false);
  });

  test('runRsync returns a vanished-only exit 23 and throws any other', async () => {
    const execWith = (exitCode: number, stderr: string) => async (): Promise<ExecResult> => {
      const result = { exitCode, stderr, stdout: '', commandLine: 'rsync ...' };
      if (![0, 23, 24].includes(exitCode)) throw new SubprocessError(result);
      return result;
    };
    const transfer = { sources: ['/a/'], destination: '/b/', includes: [], excludes: [], linkDest: [] };
    const vanished = await runRsync(execWith(23, `${aclVanished}\n${exit23}\n`), transfer);
    expect(isVanishedExit(vanished.exitCode)).toBe(true);
    await expect(runRsync(execWith(23, `rsync: [receiver] mkstemp "/b/x" failed: Permission denied (13)\n${exit23}\n`), transfer)).rejects.toMatchObject({ exitCode: 23 });
    expect(isVanishedExit(0)).toBe(false);
  });

  test('\\#ooo is a byte; a backslash not followed by # and three octal digits is literal', () => {
    expect(decodeRsyncName('x\\#1')).toEqual(bytes('x\\#1'));
    expect(decodeRsyncName('\\#377z')).toEqual(Buffer.from([0xff, 0x7a]));
    expect(decodeRsyncName('a\\#134#123')).toEqual(bytes('a\\#123'));
  });

  test('itemized lines (out-format "%i %n") with what happened, the type and whether the name is new; the stats block is skipped', () => {
    const stdout = [
      '.d..t...... ./',
      '>f.st...... etc/app.conf',
      '>f+++++++++ srv/new file',
      'cL+++++++++ link',
      'hf.st...... etc/app-link.conf',
      '*deleting   old',
      '.f....og... etc/owned',
      '',
      'Number of regular files transferred: 2',
      'Total file size: 10 bytes',
    ].join('\n');
    expect(parseItemizedChanges(stdout).map((change) => [change.update, change.type, change.created, change.name.toString()])).toEqual([
      ['.', 'd', false, './'],
      ['>', 'f', false, 'etc/app.conf'],
      ['>', 'f', true, 'srv/new file'],
      ['c', 'L', true, 'link'],
      ['h', 'f', false, 'etc/app-link.conf'],
      ['*', '', false, 'old'],
      ['.', 'f', false, 'etc/owned'],
    ]);
  });

  test('the parsers read what the real rsync prints (names with a newline, UTF-8, quotes, spaces)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rootcast-itemize-'));
    try {
      const names = ['a\nb', 'é', 'q"uote', 'sp ace', 'x\\#123'];
      mkdirSync(join(dir, 'src/sub'), { recursive: true });
      for (const name of names) writeFileSync(join(dir, 'src/sub', name), 'x');
      const stdout = execFileSync('rsync', buildRsyncArgs({ sources: [`${dir}/src/`], destination: `${dir}/dst/`, includes: [], excludes: [], linkDest: [], itemize: true }), { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
      const written = parseItemizedChanges(stdout).filter((change) => change.type === 'f');
      expect(written.map((change) => change.name.toString()).sort()).toEqual(names.map((name) => `sub/${name}`).sort());
      expect(written.every((change) => change.update === '>' && change.created)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('settle decision', () => {
  test.each([
    [1, 1, 0, 'stable'],
    [1, 1, 3, 'repull'],
    [2, 1, 3, 'unsettled'],
    [2, 1, 0, 'stable'],
    [3, 3, 1, 'repull'],
    [4, 3, 1, 'unsettled'],
    [1, 0, 1, 'unsettled'],
  ] as const)('listing %i with up to %i re-pull(s) finding %i changed file(s) → %s', (listing, max, changed, decision) => {
    expect(decideAfterListing(listing, max, changed)).toBe(decision);
  });

  test('changed stored files are re-sent or re-linked regular files; new names, attributes, links, dirs and deletions are not', () => {
    const change = (update: string, type: string, created: boolean, name: string) => ({ update, type, created, name: bytes(name) });
    const changes = [
      change('>', 'f', false, '/data/gen.bin'),
      change('h', 'f', false, '/data/gen-link.bin'),
      change('>', 'f', true, '/srv/churn/f9'),
      change('.', 'f', false, '/etc/chmodded'),
      change('.', 'd', false, '/srv/'),
      change('c', 'L', false, '/etc/alternatives/x'),
      change('*', '', false, '/srv/churn/f1'),
    ];
    expect(selectChangedFiles(changes)).toEqual([bytes('/data/gen.bin'), bytes('/data/gen-link.bin')]);
  });

  test('the re-pull reads its paths relative to the source root, NUL-terminated (a name may hold a newline)', () => {
    expect(buildFilesFromList([bytes('/data/gen.bin'), bytes('/srv/a\nb')])).toEqual(bytes('data/gen.bin\0srv/a\nb\0'));
    expect(buildFilesFromList([])).toEqual(Buffer.alloc(0));
  });

  test('--settle takes a whole number from 0 to 10; anything else is a usage error (64)', () => {
    expect(parseSettleRepulls('0')).toBe(0);
    expect(parseSettleRepulls('10')).toBe(10);
    for (const bad of ['-1', '1.5', 'two', '', '11', '1e3']) {
      let caught: unknown;
      try {
        parseSettleRepulls(bad);
      } catch (error) {
        caught = error;
      }
      expect(isRootcastError(caught) && caught.code).toBe('USAGE');
      expect((caught as Error).message).toContain(`--settle "${bad}"`);
    }
  });
});

describe('capture warnings', () => {
  test('sender paths become image paths: the --from-dir prefix and a --relative "/./" go, SSH paths stay, relative ones get their "/"', () => {
    expect(imagePathOf('/srv/roots/web/', bytes('/srv/roots/web/etc/x'))).toEqual(bytes('/etc/x'));
    expect(imagePathOf('/srv/roots/web', bytes('/srv/roots/web/./boot/vmlinuz'))).toEqual(bytes('/boot/vmlinuz'));
    expect(imagePathOf('/srv/roots/web', bytes('/srv/roots/webby/x'))).toEqual(bytes('/srv/roots/webby/x'));
    expect(imagePathOf('/', bytes('/etc/x'))).toEqual(bytes('/etc/x'));
    expect(imagePathOf('/srv/roots/web', bytes('etc/x'))).toEqual(bytes('/etc/x'));
  });

  test('distinct, escaped, at most 20 names with the full count; nothing to say, no warning', () => {
    const many = Array.from({ length: 30 }, (_, index) => bytes(`/srv/f${index}`));
    const warnings = buildCaptureWarnings({ vanished: [...many, ...many], vanishedUnnamed: false, unstable: [bytes('/data/a\nb'), Buffer.from([0x2f, 0xff])] });
    expect(warnings).toEqual([
      { kind: 'vanished', count: 30, first: many.slice(0, maxWarningPaths).map(String) },
      { kind: 'unstable', count: 2, first: ['/data/a\\nb', '/\\xff'] },
    ]);
    expect(buildCaptureWarnings({ vanished: [], vanishedUnnamed: false, unstable: [] })).toEqual([]);
    expect(buildCaptureWarnings({ vanished: [], vanishedUnnamed: true, unstable: [] })).toEqual([{ kind: 'vanished', count: 0, first: [] }]);
  });

  test('printed on stderr by capture and in image show, with how many more there were', () => {
    const warnings = buildCaptureWarnings({ vanished: Array.from({ length: 22 }, (_, index) => bytes(`/srv/f${index}`)), vanishedUnnamed: false, unstable: [bytes('/data/gen.bin')] });
    const text = formatCaptureWarnings(warnings);
    expect(text).toMatch(/^warning: 22 file\(s\) vanished on the golden client while it was captured .*not in the image:\n {2}\/srv\/f0\n/);
    expect(text).toContain('  ... and 2 more\nwarning: 1 file(s) were still changing after the last re-pull');
    expect(text).toMatch(/:\n {2}\/data\/gen\.bin\n$/);
    const manifest = { image: 'web', version: 2, createdAt: '2025-01-01T00:00:00.000Z', rootcastVersion: '0', source: { kind: 'dir', path: '/r' }, sizeBytes: 1, fileCount: 1, kernels: [], mounts: [], disks: [], excludes: [], secrets: [], warnings } as unknown as ImageManifest;
    const shown = renderVersionDetails({ ref: 'web@2', image: 'web', version: 2, tags: [], deployedOn: [], deployingOn: [], rollbackFor: [], manifest });
    expect(shown).toContain('  WARNING: 22 file(s) vanished');
    expect(shown).toContain('\n    /srv/f19\n    ... and 2 more\n  WARNING: 1 file(s) were still changing');
  });
});

describe('settle in the plan', () => {
  const input = (overrides: Partial<CapturePlanInput> = {}): CapturePlanInput => ({
    image: 'web',
    source: { kind: 'dir', path: '/srv/roots/web' },
    userExcludes: ['/var/log/*'],
    includes: [],
    useDefaultExcludes: true,
    leftoverRoots: [],
    latest: { version: 1, root: '/h/images/web/1/root' },
    stagingRoot: '/h/images/web/.staging/1-a/root',
    progress: true,
    settleRepulls: 2,
    nanosecondMtimes: true,
    findsChanges: true,
    // inspectDir: a directory has no mounts of its own.
    mounts: [],
    ...overrides,
  });

  test('a listing is each pull transfer quietly with --dry-run and no --link-dest; the re-pull reads paths on stdin, without --delete', () => {
    const plan = planCapture(input());
    expect(plan.settle.repulls).toBe(2);
    const [pull] = plan.pull.map((command) => command.args);
    const [listing] = plan.settle.list.map((command) => command.args);
    const repull = plan.settle.repull.args;
    expect(pull).toContain('--modify-window=-1');
    expect(pull).not.toContain('--dry-run');
    const common = (pull ?? []).filter((arg) => arg !== '--info=progress2' && !arg.startsWith('--link-dest='));
    expect(listing?.filter((arg) => arg !== '--dry-run' && arg !== '--out-format=%i %n')).toEqual(common);
    expect(listing).toEqual(expect.arrayContaining(['--dry-run', '--out-format=%i %n']));
    expect(repull).toEqual(expect.arrayContaining(['--files-from=-', '--from0', '--out-format=%i %n', '--link-dest=/h/images/web/1/root', '--exclude=/var/log/*', '--modify-window=-1']));
    expect(repull).not.toContain('--delete');
    expect(repull.slice(-3)).toEqual(['--', '/srv/roots/web/', '/h/images/web/.staging/1-a/root/']);
    expect(plan.settle.repull.stdin).toBe('the paths the listing found changed, NUL-separated');
    expect(planCapture(input({ nanosecondMtimes: false })).pull[0]?.args).not.toContain('--modify-window=-1');
  });

  test('the change listing: find below each filesystem, where the source lives, then rsync over just those names (directories whole)', () => {
    const plan = planCapture(input());
    expect(plan.settle.changed).toEqual({
      program: 'sh',
      args: ['-c', 'read since && exec find /srv/roots/web -xdev -ignore_readdir_race -newerct "@$since" -print0'],
      env: ['LC_ALL'],
      inheritEnv: true,
      where: 'here',
      okExitCodes: [0],
      stdin: 'our clock (epoch seconds) when the pull began, less 50 ms',
    });
    const [listing] = plan.settle.list.map((command) => command.args);
    const check = plan.settle.check.args;
    // The full listing's own flags, minus --delete (a name list is no directory listing), plus the names on stdin, recursively.
    expect(check.filter((arg) => !['--files-from=-', '--from0', '-r'].includes(arg))).toEqual(listing?.filter((arg) => arg !== '--delete'));
    expect(check.slice(check.indexOf('--files-from=-'), check.indexOf('--files-from=-') + 3)).toEqual(['--files-from=-', '--from0', '-r']);
    const ssh = planCapture(input({ source: { kind: 'ssh', user: 'root', host: 'golden', port: 22 }, ssh: { knownHostsFile: '/k' }, mounts: parseProcMounts('/dev/vda1 / ext4 rw 0 0\n/dev/vda2 /boot ext4 rw 0 0\n') }));
    expect(ssh.settle.changed).toMatchObject({ where: 'ssh', env: [], args: ['-c', 'read since && exec find / /boot -xdev -ignore_readdir_race -newerct "@$since" -print0'] });
    expect(ssh.inspection).toMatchObject({ program: 'sh', where: 'ssh' });
    // Mounts not known yet (inspection beside the root pass), or no GNU find or clock there: every listing is the full one.
    expect(planCapture(input({ source: { kind: 'ssh', user: 'root', host: 'golden', port: 22 }, ssh: { knownHostsFile: '/k' }, mounts: undefined })).settle.changed).toBeUndefined();
    expect(planCapture(input({ findsChanges: false })).settle.changed).toBeUndefined();
  });

  test('--dry-run prints every command with its prompt, exactly as planned, or says settling is off', () => {
    const inspection = { kernels: [], mounts: [], disks: [], rsyncPath: '/usr/bin/rsync' } as unknown as Parameters<typeof formatCapturePlan>[1];
    const plan = planCapture(input());
    const text = formatCapturePlan(plan, inspection);
    expect(text).toMatch(/\n {2}settle: list what changed since the pull read it; re-pull those files \(up to 2 time\(s\)\).*\n/);
    for (const command of [...plan.pull, plan.settle.changed, plan.settle.check, ...plan.settle.list, plan.settle.repull]) {
      expect(text).toContain(`$ ${formatPlannedCommand(command as PlannedCommand)}\n`);
    }
    expect(text).toContain('(stdin: the paths the listing found changed, NUL-separated; environment: ours + LC_ALL; success: exit 0, 24, 23)');
    expect(formatCapturePlan(planCapture(input({ settleRepulls: 0 })), inspection)).toContain('  settle: off (--settle 0)');
  });
});

import { execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readVersionHolders } from '../../src/image/host-state.js';
import type { HostOverridesRequest } from '../../src/overrides/host-overrides.js';
import { deployedStateSchema } from '../../src/protocol/deployed-state.js';
import { readHostRecord, writeHostRecord } from '../../src/state/host-record-store.js';
import { readHostStatus } from '../../src/state/event-read.js';
import { hostRecordColumns, hostRecordRows } from '../../src/state/present.js';
import { compareTrees } from '../helpers/fidelity-tree.js';
import { addVersion } from '../helpers/image-builder.js';
import { buildImageSource, makeOverrideHome, removeOverrideHome, type OverrideHome } from '../helpers/override-fixture.js';
import { startServeForTests, type ServeForTests } from '../helpers/serve-for-tests.js';
import { snapshotTree } from '../helpers/tree-snapshot.js';
import { findProcesses } from '../helpers/runner-harness.js';
import { tryLockFile } from '../../src/sys/lock-file.js';
import { updateLockFile } from '../../src/protocol/update-protocol.js';
import { putFile as put } from '../helpers/put-file.js';
import { bundleEntry } from '../helpers/bundle-entry.js';
import { fillPlanned, printedCommandLines, unwrapSpawn } from '../helpers/recording-exec.js';
import { formatPlannedCommand, type PlannedCommand } from '../../src/sys/planned-command.js';
import { leftoversPlaceholder } from '../../src/update/sweep.js';
import { formatUpdateCommand, type UpdateCommand } from '../../src/update/update-commands.js';
import type { UpdateRecording } from './update-record-entry.js';

const bundle = join(import.meta.dirname, '../../dist/runner.cjs');

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `node runner.cjs update …` as a host runs it; `onStart` sees the child (to kill it midway); `prefix` runs it
 * through a wrapper (a private mount namespace with the host's own mounts).
 */
const runUpdate = (args: readonly string[], { onStart, prefix = [] }: { onStart?: (pid: number) => void; prefix?: readonly string[] } = {}): Promise<Outcome> => {
  const argv = [...prefix, process.execPath, bundle, 'update', '--retries', '2', ...args];
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid !== undefined) onStart?.(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.once('close', (status) => resolve({ status, stdout, stderr })));
};

/** Whether this file system takes chattr +i (ext4 does; tmpfs only since Linux 6.0): the immutable-file test needs it. */
const immutableFlagWorks = ((): boolean => {
  const probe = mkdtempSync(join(tmpdir(), 'rootcast-chattr-'));
  const file = join(probe, 'f');
  writeFileSync(file, '');
  try {
    execFileSync('chattr', ['+i', file], { stdio: 'ignore' });
    execFileSync('chattr', ['-i', file], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
})();

/** Excluded paths an update must never touch, with their content. */
const sentinels: Record<string, string> = {
  'home/alice/notes': 'alice\'s notes\n',
  'var/log/app.log': 'log line\n',
  'var/lib/mysql/ibdata1': 'database\n',
  'etc/fstab': 'UUID=1234 / ext4 defaults 0 1\n',
  'etc/machine-id': '0123456789abcdef0123456789abcdef\n',
  'etc/ssh/ssh_host_ed25519_key': 'host key\n',
  'srv/keep/data': 'kept by update.exclude\n',
};
// Paths a fresh host does not have and the comparisons leave out: rootcast's own state and the sentinels.
const hostOnly = ['etc/rootcast', 'etc/systemd', 'usr/local"', 'usr/local/lib"', 'usr/local/lib/rootcast', 'home"', 'home/alice', 'var"', 'var/log"', 'var/log/app.log', 'var/lib"', 'var/lib/mysql', 'etc/fstab', 'etc/machine-id', 'etc/ssh', 'srv/keep'];

describe('rootcast update on a host (directory root, real serve and rsync daemon)', () => {
  let home: OverrideHome;
  let serve: ServeForTests;
  let scratch: string;
  let credential: string;
  let hostRoot: string;

  /** A deployed host's /etc/rootcast: the enrolment the runner leaves (server, host, credential). */
  const enrolledRoot = (name: string, key = credential, host = 'web07'): string => {
    const root = join(scratch, name);
    // As the runner's enroll step writes it: one key a line (the first-boot script reads it so).
    put(root, 'etc/rootcast/client.json', `${JSON.stringify({ server: serve.url, host, rsyncUser: `host.${host}` }, null, 2)}\n`);
    put(root, 'etc/rootcast/host.key', `${key}\n`);
    return root;
  };
  const enroll = async (host: string): Promise<string> => {
    const token = await serve.token(host);
    const response = await fetch(`${serve.url}/api/v1/hosts/${host}/credential`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { credential: string }).credential;
  };
  // The kept node is a hard link to this machine's node: linking it anywhere (another test, another host) changes its ctime.
  const treeOf = (root: string): string[] => snapshotTree(root).map((line) => (line.startsWith('usr/local/lib/rootcast/node ') ? line.replace(/ ctime=\d+$/, '') : line));
  const fresh = async (ref: string, name: string): Promise<string> => {
    const root = enrolledRoot(name);
    const outcome = await runUpdate(['--target-root', root, '--image', ref]);
    expect(outcome.status, outcome.stderr).toBe(0);
    return root;
  };
  /** `ignored`: more paths the comparison leaves out, as `hostOnly` (`dir"` is the directory's own attributes). */
  const equalsFresh = async (root: string, ref: string, ignored: readonly string[] = []): Promise<void> => {
    const expected = await fresh(ref, `fresh-${ref.replace('@', '-')}-${Math.random().toString(16).slice(2, 8)}`);
    const differences = compareTrees(expected, root).filter((line) => ![...hostOnly, ...ignored].some((path) => line.startsWith(`"${path}`)));
    expect(differences).toEqual([]);
    rmSync(expected, { recursive: true, force: true });
  };
  const sentinelsIntact = (root: string): void => {
    for (const [path, content] of Object.entries(sentinels)) expect(readFileSync(join(root, path), 'utf8'), path).toBe(content);
  };

  beforeAll(async () => {
    home = await makeOverrideHome('rootcast-update');
    scratch = await mkdtemp(join(tmpdir(), 'rootcast-update-hosts-'));
    // web@2: a changed file, a new kernel, a deleted library, 8 MiB to kill a transfer in.
    const golden2 = join(home.work, 'golden2');
    buildImageSource(golden2);
    writeFileSync(join(golden2, 'etc/passwd'), 'root:x:0:0::/root:/bin/bash\n');
    put(golden2, 'boot/vmlinuz-6.2', 'kernel 6.2\n');
    // Private content the host has too (its own copies, made below): --text must name these, never show them.
    put(golden2, 'etc/shadow', 'root:$y$IMAGE-SHADOW-HASH:19001::::::\n');
    chmodSync(join(golden2, 'etc/shadow'), 0o640);
    put(golden2, 'etc/api.token', 'IMAGE-SECRET-TOKEN\n');
    chmodSync(join(golden2, 'etc/api.token'), 0o600);
    put(golden2, 'usr/lib/modules/6.2/kernel.ko', 'module\n');
    rmSync(join(golden2, 'usr/lib/libx.so'));
    // rsync sends a directory's files before its subdirectories': /aaa waits in /.~tmp~ while /zzz/big.bin arrives.
    put(golden2, 'aaa', 'web@2\n');
    put(golden2, 'zzz/big.bin', '');
    writeFileSync(join(golden2, 'zzz/big.bin'), randomBytes(8 * 1024 * 1024));
    await addVersion(home.paths, 'web', golden2);
    const goldenDb = join(home.work, 'golden-db');
    put(goldenDb, 'etc/db.conf', 'db\n');
    await addVersion(home.paths, 'db', goldenDb);
    const request = async (host: string, version: { ref: string; root: string; image: string }): Promise<HostOverridesRequest | undefined> =>
      host !== 'web07'
        ? undefined
        : {
            overridesDir: home.paths.overridesDir,
            subject: { name: 'web07', imageName: version.image, groups: ['web'] },
            context: { host: { name: 'web07', fqdn: 'web07.lab.example', macs: [] }, image: { name: version.image, ref: version.ref }, groups: ['web'], vars: { role: 'frontend' }, server: {} },
            imageRoot: version.root,
            known: { hosts: ['web07'], groups: ['web'] },
          };
    serve = await startServeForTests({
      home: home.paths.home,
      images: [],
      hosts: [
        { name: 'web07', macs: ['52:54:00:12:34:56'], ip: '127.0.0.1', imageRef: 'web@2' },
        // Set to another image than the one it runs (its record says web@1).
        { name: 'web08', macs: ['52:54:00:12:34:57'], imageRef: 'db@1' },
      ],
      overridesRequest: request,
    });
    credential = await enroll('web07');
    hostRoot = enrolledRoot('web07');
    for (const [path, content] of Object.entries(sentinels)) put(hostRoot, path, content);
    put(hostRoot, 'etc/rootcast/update.exclude', '# admin\n/srv/keep/\n');
  }, 120_000);

  afterAll(async () => {
    await serve?.stop();
    if (home !== undefined) await removeOverrideHome(home);
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  test('install-like first update, dry run changes nothing, forward, rollback: each time the tree a fresh host of that version gets', async () => {
    const first = await runUpdate(['--target-root', hostRoot, '--image', 'web@1', '--json']);
    expect(first.status, first.stderr).toBe(0);
    sentinelsIntact(hostRoot);
    await equalsFresh(hostRoot, 'web@1');
    expect(readFileSync(join(hostRoot, 'etc/motd'), 'utf8')).toBe('motd from all\n');
    expect(readFileSync(join(hostRoot, 'etc/hostname'), 'utf8')).toBe('web07.lab.example frontend\n');

    // The host's own shadow (private) and a token still world-readable here that web@2 makes private.
    put(hostRoot, 'etc/shadow', 'root:$y$HOST-SHADOW-HASH:19000::::::\n');
    chmodSync(join(hostRoot, 'etc/shadow'), 0o640);
    put(hostRoot, 'etc/api.token', 'HOST-OPEN-TOKEN\n');

    // Dry run of the move to the inventory's version (web@2): every path with action, size change and owner; nothing written.
    const before = treeOf(hostRoot);
    const dry = await runUpdate(['--target-root', hostRoot, '--dry-run', '--json']);
    expect(dry.status, dry.stderr).toBe(0);
    expect(treeOf(hostRoot)).toEqual(before);
    const plan = JSON.parse(dry.stdout) as { from: string; ref: string; rebootNeeded: boolean; changes: { path: string; action: string; sizeDelta: number; owner: string }[]; commands: string[] };
    expect(plan.from).toBe('web@1');
    expect(plan.ref).toBe('web@2');
    expect(plan.rebootNeeded).toBe(true);
    const byPath = new Map(plan.changes.map((change) => [change.path, change]));
    expect(byPath.get('/etc/passwd')).toMatchObject({ action: 'change', sizeDelta: 2, owner: 'image' });
    expect(byPath.get('/usr/lib/libx.so')).toMatchObject({ action: 'delete', sizeDelta: -4, owner: 'image' });
    expect(byPath.get('/boot/vmlinuz-6.2')).toMatchObject({ action: 'add', sizeDelta: 11, owner: 'image' });
    expect([...byPath.keys()].filter((path) => path.startsWith('/home') || path.startsWith('/srv/keep') || path.startsWith('/etc/rootcast'))).toEqual([]);
    // The commands listed are what the update would run (its passes without --dry-run), not the dry run's own previews.
    expect(plan.commands.some((line) => line.startsWith('rsync ') && line.includes('--exclude=/srv/keep/'))).toBe(true);
    expect(plan.commands.filter((line) => line.includes('--dry-run'))).toEqual([]);
    // The text form names the owner column; the server did not record a dry run as an attempt.
    const text = await runUpdate(['--target-root', hostRoot, '--dry-run', '--text']);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/would update web07: web@1 -> web@2/);
    // --text: the new content fetched from the module into scratch space and diffed against the host's file.
    expect(text.stdout).toContain('--- a/etc/passwd\n+++ b/etc/passwd\n');
    expect(text.stdout).toContain('-root:x:0:0::/root:/bin/sh\n+root:x:0:0::/root:/bin/bash');
    expect(text.stdout).toMatch(/change\s+\+2 B\s+image\s+\/etc\/passwd/);
    // Private files: the path and the reason, never the content (neither the host's nor the new one).
    expect(text.stdout).toContain('/etc/shadow: not shown: readable by its owner/group only (mode 0640)\n');
    expect(text.stdout).toContain('/etc/api.token: not shown: readable by its owner/group only (mode 0644→0600)\n');
    const textJson = await runUpdate(['--target-root', hostRoot, '--dry-run', '--text', '--json']);
    expect(textJson.status, textJson.stderr).toBe(0);
    const diffs = (JSON.parse(textJson.stdout) as { diffs: { path: string; skipped?: string; patch?: string }[] }).diffs;
    expect(diffs.filter((diff) => diff.skipped?.startsWith('not shown:')).map((diff) => diff.path).sort()).toEqual(['/etc/api.token', '/etc/shadow']);
    expect(diffs.some((diff) => diff.patch?.includes('+root:x:0:0::/root:/bin/bash'))).toBe(true);
    for (const output of [text.stdout, text.stderr, textJson.stdout, textJson.stderr]) expect(output).not.toMatch(/SHADOW-HASH|TOKEN/);
    expect(treeOf(hostRoot)).toEqual(before);
    const afterDry = await readHostRecord(home.paths, 'web07');
    expect([afterDry.deployed?.ref, afterDry.deploying]).toEqual(['web@1', undefined]);

    // Forward to the inventory's version.
    const forward = await runUpdate(['--target-root', hostRoot, '--json']);
    expect(forward.status, forward.stderr).toBe(0);
    const result = JSON.parse(forward.stdout) as { ref: string; rebootNeeded: boolean; summary: { files: number } };
    expect(result).toMatchObject({ ref: 'web@2', rebootNeeded: true });
    sentinelsIntact(hostRoot);
    expect(existsSync(join(hostRoot, 'etc/rootcast/update-in-progress'))).toBe(false);
    const state = deployedStateSchema.parse(JSON.parse(readFileSync(join(hostRoot, 'etc/rootcast/deployed.json'), 'utf8')));
    expect([state.current.ref, state.current.via, state.history.map((entry) => entry.ref)]).toEqual(['web@2', 'update', ['web@1']]);
    const record = await readHostRecord(home.paths, 'web07');
    expect(record.deployed).toMatchObject({ ref: 'web@2', via: 'update' });
    expect(record.last).toMatchObject({ result: 'succeeded', via: 'update', ref: 'web@2', from: 'web@1', rebootNeeded: true, files: result.summary.files });
    expect(record.previous.map((old) => old.ref)).toEqual(['web@1']);
    expect(hostRecordRows(record).find(([label]) => label === 'last')?.[1]).toMatch(/succeeded update of web@2 \(from web@1\).*reboot needed/);
    expect(hostRecordColumns(record)).toEqual(['web@2 (reboot needed)', 'succeeded update of web@2']);
    // The rollback target stays protected from prune/rm.
    expect(Object.fromEntries(await readVersionHolders(home.paths, 'web'))).toEqual({
      1: { deployed: [], deploying: [], rollback: ['web07'] },
      2: { deployed: ['web07'], deploying: [], rollback: [] },
    });
    // (A fresh host made for the comparison reports as web07 too: the record is checked before.)
    await equalsFresh(hostRoot, 'web@2');

    // A second run changes nothing.
    const again = await runUpdate(['--target-root', hostRoot, '--json']);
    expect(again.status, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { summary: { files: number } }).summary.files).toBe(0);

    // Rollback: the previous entry of deployed.json.
    const back = await runUpdate(['--target-root', hostRoot, '--rollback', '--json']);
    expect(back.status, back.stderr).toBe(0);
    expect(JSON.parse(back.stdout)).toMatchObject({ from: 'web@2', ref: 'web@1' });
    sentinelsIntact(hostRoot);
    expect((await readHostRecord(home.paths, 'web07')).last).toMatchObject({ ref: 'web@1', from: 'web@2' });
    await equalsFresh(hostRoot, 'web@1');
  }, 180_000);

  test('what the capture left out, the fstab\'s swap files and the host\'s own data in /opt, /srv, /var/lib… stay; the rest follows the image', async () => {
    const golden3 = join(home.work, 'golden3');
    buildImageSource(golden3);
    put(golden3, 'opt/app/bin', 'app of web@3\n');
    put(golden3, 'var/lib/dpkg/status', 'web@3 packages\n');
    put(golden3, 'boot/vmlinuz-6.3', 'kernel 6.3\n');
    put(golden3, 'srv/www/index.html', 'the image\'s site\n');
    put(golden3, 'home/.keep', '');
    // Captured with --include /scratch/keep/ --exclude /scratch/*: the re-included directory is the image's, so updates bring it.
    put(golden3, 'scratch/keep/tool', 'in the image\n');
    await addVersion(home.paths, 'web', golden3, { excludes: ['/data/*', '/scratch/*'], includes: ['/scratch/keep/'] });
    const root = enrolledRoot('data-host');
    put(root, 'etc/fstab', 'UUID=1234 / ext4 defaults 0 1\n/var/swap.img none swap sw 0 0\n');
    const hostData: Record<string, string> = {
      'var/swap.img': 'swap pages\n',
      'data/results.csv': 'excluded at capture\n',
      'scratch/run1/out': 'excluded at capture\n',
      'opt/local-tool/run': 'installed by hand\n',
      'srv/uploads/photo.jpg': 'uploaded\n',
      'var/lib/localsvc/db': 'a service the list does not name\n',
      'var/www/html/index.html': 'the host\'s site\n',
    };
    for (const [path, content] of Object.entries(hostData)) put(root, path, content);
    put(root, 'var/lib/dpkg/info/removed.list', 'a package web@3 does not have\n');
    // Data directories linked to a data disk: the links stay, nothing of the image is written through them.
    const disk = join(scratch, 'data-disk');
    put(disk, 'www/upload.bin', 'on the data disk\n');
    put(disk, 'home/bob/notes', 'bob\'s notes\n');
    symlinkSync(join(disk, 'www'), join(root, 'srv/www'));
    symlinkSync(join(disk, 'home'), join(root, 'home'));
    put(root, 'etc/stale.conf', 'not in the image\n');
    // An account added on the host only: /etc/passwd follows the image, and the report names who went.
    put(root, 'etc/passwd', 'root:x:0:0::/root:/bin/sh\nalice:x:1001:1001::/home/alice:/bin/bash\n');

    const dry = await runUpdate(['--target-root', root, '--image', 'web@3', '--dry-run', '--json']);
    expect(dry.status, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout) as { changes: { path: string; action: string }[]; commands: string[] };
    const deletes = plan.changes.filter((change) => change.action === 'delete').map((change) => change.path);
    expect(deletes).toEqual(expect.arrayContaining(['/etc/stale.conf', '/var/lib/dpkg/info/removed.list']));
    expect(deletes.filter((path) => Object.keys(hostData).some((data) => `/${data}`.startsWith(path)))).toEqual([]);
    const imagePass = plan.commands.find((line) => line.includes('img.web.3')) ?? '';
    for (const argument of ['--filter=+ /scratch/keep/', '--filter=- /data/*', '--filter=- /scratch/*', '--exclude=/var/swap.img', '--filter=R /var/lib/dpkg/**', '--filter=P /opt/**']) expect(imagePass).toContain(argument);

    const update = await runUpdate(['--target-root', root, '--image', 'web@3', '--no-bootloader', '--json']);
    expect(update.status, update.stderr).toBe(0);
    // The golden client's initrd came with the new kernel: the report says it must be rebuilt here before a reboot.
    const report = JSON.parse(update.stdout) as { rebootNeeded: boolean; notes: string[] };
    expect(report.rebootNeeded).toBe(true);
    expect(report.notes.join('\n')).toMatch(/the image's \/etc\/passwd has no account alice \(uid 1001\), which this host had/);
    expect(report.notes.join('\n')).toMatch(/--no-bootloader left the initramfs and boot loader configuration as the image brought them .*before rebooting/);
    for (const [path, content] of Object.entries(hostData)) expect(readFileSync(join(root, path), 'utf8'), path).toBe(content);
    expect(readFileSync(join(root, 'opt/app/bin'), 'utf8')).toBe('app of web@3\n');
    expect(readFileSync(join(root, 'var/lib/dpkg/status'), 'utf8')).toBe('web@3 packages\n');
    expect(readFileSync(join(root, 'scratch/keep/tool'), 'utf8')).toBe('in the image\n');
    expect(existsSync(join(root, 'var/lib/dpkg/info/removed.list'))).toBe(false);
    expect(existsSync(join(root, 'etc/stale.conf'))).toBe(false);
    for (const link of ['srv/www', 'home']) expect(lstatSync(join(root, link)).isSymbolicLink(), link).toBe(true);
    expect(readdirSync(join(disk, 'www'))).toEqual(['upload.bin']);
    expect(readFileSync(join(disk, 'home/bob/notes'), 'utf8')).toBe('bob\'s notes\n');
    expect(report.notes.join('\n')).toContain('left as they are, being symlinks on this host (the image\'s files for them are not applied): /srv/www, /home');

    // web@4 drops /opt/app: serve compares it with the host's recorded web@3 and names it, so it goes; the host's own /opt data stays.
    rmSync(join(golden3, 'opt/app'), { recursive: true });
    await addVersion(home.paths, 'web', golden3, { excludes: ['/data/*', '/scratch/*'], includes: ['/scratch/keep/'] });
    const next = await runUpdate(['--target-root', root, '--image', 'web@4', '--json']);
    expect(next.status, next.stderr).toBe(0);
    expect(existsSync(join(root, 'opt/app'))).toBe(false);
    expect(readFileSync(join(root, 'opt/local-tool/run'), 'utf8')).toBe(hostData['opt/local-tool/run']);
  }, 120_000);

  /** Starts an update to web@2 and SIGKILLs it once a finished file waits in .~tmp~ (--delay-updates) while big.bin still arrives. */
  const killMidway = async (root: string): Promise<void> => {
    let pid = 0;
    let done = false;
    let output = '';
    const running = runUpdate(['--target-root', root, '--image', 'web@2', '--bwlimit', '1024'], { onStart: (started) => (pid = started) }).then((outcome) => {
      done = true;
      output = outcome.stderr;
    });
    const staged = join(root, '.~tmp~/aaa');
    for (let wait = 0; wait < 800 && !existsSync(staged) && !done; wait += 1) await sleep(25);
    expect(existsSync(staged), output).toBe(true);
    process.kill(pid, 'SIGKILL');
    await running;
    // Nothing was renamed into place yet: the host still has web@1's files, and the marker names web@2.
    expect(existsSync(join(root, 'aaa'))).toBe(false);
    expect(readFileSync(join(root, 'etc/passwd'), 'utf8')).toBe('root:x:0:0::/root:/bin/sh\n');
    expect((JSON.parse(readFileSync(join(root, 'etc/rootcast/update-in-progress'), 'utf8')) as { ref: string }).ref).toBe('web@2');
    // rsync and its receiver die with it (the update's PID namespace ends): nothing writes into the root any more.
    for (let wait = 0; wait < 100 && findProcesses('rsync', root).length > 0; wait += 1) await sleep(50);
    expect(findProcesses('rsync', root)).toEqual([]);
  };
  /** Finished and swept: only the `.~tmp~` directories in data the update does not sync (`kept`) remain. */
  const converged = async (root: string, kept: readonly string[] = [], ignored: readonly string[] = []): Promise<void> => {
    expect(existsSync(join(root, 'etc/rootcast/update-in-progress'))).toBe(false);
    expect(execFileSync('find', [root, '-name', '.~tmp~', '-print0'], { encoding: 'utf8' }).split('\0').filter(Boolean).sort()).toEqual(kept.map((dir) => join(root, dir)).sort());
    await equalsFresh(root, 'web@2', ignored);
  };

  test('an update reports rsync\'s progress while its passes run, so the dashboard sees it updating, not stalled', async () => {
    const root = await fresh('web@1', 'progress');
    // By sequence number: older installs' logs drop out as this host's installs pass the retention (10).
    const lastSeq = (await serve.allEvents('web07')).at(-1)?.seq ?? 0;
    // web@2 brings 8 MiB: at 2 MiB/s the image pass takes seconds, long enough for several readings.
    const outcome = await runUpdate(['--target-root', root, '--image', 'web@2', '--bwlimit', '2048']);
    expect(outcome.status, outcome.stderr).toBe(0);
    const stored = (await serve.allEvents('web07')).filter((event) => event.seq > lastSeq);
    expect(stored[0]).toMatchObject({ kind: 'runner-started', via: 'update', message: 'web@1 → web@2' });
    const steps = stored.map((event) => (event.kind === 'phase' ? `${event.phase} ${event.status}` : event.kind));
    expect(steps.filter((step) => !step.endsWith(' progress'))).toEqual(['runner-started', 'sync-image started', 'sync-image succeeded', 'overrides started', 'overrides succeeded', 'done succeeded']);
    const readings = stored.filter((event) => event.kind === 'phase' && event.phase === 'sync-image' && event.status === 'progress' && event.bytes !== undefined);
    expect(readings.length).toBeGreaterThanOrEqual(2);
    const bytes = readings.map((event) => (event.kind === 'phase' ? (event.bytes ?? 0) : 0));
    expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
    expect(bytes.at(-1)).toBeGreaterThan(1024 * 1024);
    expect(readings.every((event) => event.kind === 'phase' && event.percent !== undefined && event.rate !== undefined)).toBe(true);
    // Progress moves the install's last-event time: the state files saw an update in progress, then done.
    expect(new Set(stored.map((event) => event.install)).size).toBe(1);
    expect((await readHostStatus(home.paths, 'web07')).installs[0]).toMatchObject({ via: 'update', state: 'done' });
  }, 120_000);

  test('an update killed midway is finished by the next run (marker, leftover .~tmp~ swept)', async () => {
    const root = await fresh('web@1', 'killed');
    await killMidway(root);
    // Someone else's staging directories in data an update never syncs: the sweep must not take them.
    const foreign = ['home/alice/.~tmp~', 'var/lib/mysql/.~tmp~'];
    for (const dir of foreign) put(root, `${dir}/draft`, 'not rootcast\'s\n');
    // A leftover where this run has nothing to rename (as a run killed in another directory leaves one): swept.
    put(root, 'usr/lib/.~tmp~/libx.so', 'staged\n');
    const rerun = await runUpdate(['--target-root', root, '--json']);
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(JSON.parse(rerun.stdout)).toMatchObject({ ref: 'web@2', resumed: 'web@2', notes: expect.arrayContaining(['finished the interrupted update to web@2 (removed 1 leftover .~tmp~ directory)']) });
    // Removing it moves /usr/lib's mtime, as a real leftover's removal does.
    await converged(root, foreign, ['usr/lib"']);
    for (const dir of foreign) expect(readFileSync(join(root, dir, 'draft'), 'utf8')).toBe('not rootcast\'s\n');
  }, 120_000);

  test('what --dry-run prints is, byte for byte, what the update spawns: the namespace, both passes, and the sweep after an interruption', async () => {
    const root = await fresh('web@1', 'recorded');
    // An interrupted update to web@2: its marker, and a leftover where this run has nothing to rename.
    put(root, 'etc/rootcast/update-in-progress', `${JSON.stringify({ ref: 'web@2', via: 'update', since: new Date().toISOString() })}\n`);
    put(root, 'usr/lib/.~tmp~/libx.so', 'staged\n');
    const recordFile = join(scratch, 'update-recording.json');
    const entry = await bundleEntry(join(import.meta.dirname, 'update-record-entry.ts'));
    try {
      const outcome = await new Promise<Outcome>((resolve) => {
        execFile(process.execPath, [entry.file, '--retries', '2', '--target-root', root], { env: { ...process.env, RECORD_FILE: recordFile } }, (error, stdout, stderr) =>
          resolve({ status: error === null ? 0 : (error.code as number), stdout, stderr }));
      });
      expect(outcome.status, outcome.stderr).toBe(0);
    } finally {
      await entry.remove();
    }
    const recording = JSON.parse(readFileSync(recordFile, 'utf8')) as UpdateRecording;
    const printed = printedCommandLines(recording.dryRunText);
    const report = JSON.parse(recording.dryRunJson) as { commands: string[]; plan: UpdateCommand[] };
    // The text, the JSON's lines and the JSON's plan are one list.
    expect(printed.map((entry) => entry.line)).toEqual(report.plan.map((entry) => formatPlannedCommand(entry.command)));
    expect(report.commands).toEqual(report.plan.map(formatUpdateCommand));
    // What ran: the holder, the two passes in the namespace, find and one rm (its LEFTOVERS filled) here; nothing else.
    const spawned = recording.spawns.map(unwrapSpawn);
    const leftover = join(root, 'usr/lib/.~tmp~');
    expect(spawned).toEqual(printed.map((entry, index) => ({ ...entry, line: fillPlanned(report.plan[index]?.command as PlannedCommand, leftoversPlaceholder, leftover) })));
    expect(spawned.map((entry) => `${entry.where} ${entry.line.split(' ')[0] ?? ''}`)).toEqual(['here unshare', 'namespace rsync', 'namespace rsync', 'here find', 'here rm']);
    expect(existsSync(leftover)).toBe(false);
    // The dry runs ran the same passes with --dry-run (previews), never printed as the plan.
    const previews = recording.dryRunSpawns.map(unwrapSpawn).filter((entry) => entry.line.startsWith('rsync '));
    expect(previews).toHaveLength(4);
    for (const preview of previews) {
      expect(preview.line).toContain(' --dry-run ');
      expect(printed).not.toContainEqual(preview);
    }
    // Each spawn got exactly the environment names its planned command has.
    const byLine = new Map(report.plan.map((entry) => [formatPlannedCommand(entry.command), entry.command.env]));
    for (const [index, spawn] of recording.spawns.entries()) expect(spawn.env, spawned[index]?.line).toEqual(byLine.get(printed[index]?.line ?? '') ?? []);
    expect(recording.dryRunText).not.toContain(credential);
  }, 120_000);

  test('a disk that fills: NO_SPACE (75), the host keeps its version and the marker; given room, the re-run converges', async () => {
    const small = join(scratch, 'small');
    mkdirSync(small);
    // The node the host keeps (a copy: a hard link cannot cross file systems) and web@1 fit, web@2's 8 MiB file does not.
    const kib = (bytes: number): string => `${Math.ceil(bytes / 1024)}k`;
    const nodeBytes = statSync(process.execPath).size;
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=755', 'rootcast-update-test', small]);
    try {
      const root = enrolledRoot('small');
      // Too small even for the node the update keeps for the first-boot unit: the same NO_SPACE, not an internal error.
      const noRoom = await runUpdate(['--target-root', root, '--image', 'web@1']);
      expect(noRoom.status, noRoom.stderr).toBe(75);
      expect(noRoom.stderr).toMatch(/error \[NO_SPACE\]: .*small ran out of space while the update wrote .*usr\/local\/lib\/rootcast\/node/);
      execFileSync('mount', ['-o', `remount,size=${kib(nodeBytes + 4 * 1024 * 1024)}`, small]);
      const first = await runUpdate(['--target-root', root, '--json']);
      expect(first.status, first.stderr).toBe(0);
      expect(JSON.parse(first.stdout)).toMatchObject({ ref: 'web@1', resumed: 'web@1' });
      const full = await runUpdate(['--target-root', root, '--image', 'web@2']);
      expect(full.status, full.stderr).toBe(75);
      expect(full.stderr).toMatch(/error \[NO_SPACE\]: the target ran out of space while syncing web@2/);
      expect(full.stderr).toMatch(/free space on the host and re-run rootcast update, which finishes the same version/);
      expect(existsSync(join(root, 'aaa'))).toBe(false);
      expect(readFileSync(join(root, 'etc/passwd'), 'utf8')).toBe('root:x:0:0::/root:/bin/sh\n');
      expect((JSON.parse(readFileSync(join(root, 'etc/rootcast/update-in-progress'), 'utf8')) as { ref: string }).ref).toBe('web@2');
      expect((await readHostRecord(home.paths, 'web07')).last).toMatchObject({ result: 'failed', ref: 'web@2' });
      // The failed event carries the update's last lines: its rsync command, then what rsync said (logged before the event).
      const failed = (await serve.events('web07')).filter((event) => event.status === 'failed').at(-1);
      expect(failed).toMatchObject({ phase: 'sync-image', message: expect.stringContaining('ran out of space') });
      const failedLog = (failed?.log ?? []).map((line) => line.replace(/^\S+ /, ''));
      expect(failedLog).toContainEqual(expect.stringMatching(/^run: rsync -aHAXS /));
      expect(failedLog).toContainEqual(expect.stringMatching(/^sync-image: stderr: .*No space left on device/));
      expect(failedLog.at(-1)).toMatch(/^sync-image: stderr: /);
      execFileSync('mount', ['-o', `remount,size=${kib(nodeBytes + 64 * 1024 * 1024)}`, small]);
      const rerun = await runUpdate(['--target-root', root, '--json']);
      expect(rerun.status, rerun.stderr).toBe(0);
      expect(JSON.parse(rerun.stdout)).toMatchObject({ ref: 'web@2', resumed: 'web@2' });
      await converged(root);
    } finally {
      execFileSync('umount', [small]);
    }
  }, 120_000);

  test('an update cut short by a reboot is finished by the first-boot script, which then reports the boot', async () => {
    const root = await fresh('web@1', 'rebooted');
    put(root, 'etc/systemd/system/rootcast-firstboot.service', '[Unit]\n');
    await killMidway(root);
    // The update enabled the unit and left node and the runner where the script looks.
    expect(readlinkSync(join(root, 'etc/systemd/system/multi-user.target.wants/rootcast-firstboot.service'))).toBe('/etc/systemd/system/rootcast-firstboot.service');
    const runnerDir = join(root, 'usr/local/lib/rootcast');
    expect(existsSync(join(runnerDir, 'node')) && existsSync(join(runnerDir, 'runner.cjs'))).toBe(true);
    // Not spawnSync: serve answers from this process's event loop.
    const boot = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawn('sh', [join(import.meta.dirname, '../../boot/rootcast-firstboot.sh')], {
        env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ROOTCAST_CONF_DIR: join(root, 'etc/rootcast'), ROOTCAST_RUNNER_DIR: runnerDir, ROOTCAST_TARGET_ROOT: root, ROOTCAST_FIRSTBOOT_TRIES: '1' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.once('close', (status) => resolve({ status, stderr }));
    });
    expect(boot.status, boot.stderr).toBe(0);
    expect(boot.stderr).toMatch(/finishing the interrupted update: \{"ref":"web@2"/);
    await converged(root);
    expect((await serve.allEvents('web07')).filter((event) => event.kind === 'booted')).toHaveLength(1);
  }, 120_000);

  const markerRef = (root: string): string | undefined =>
    existsSync(join(root, 'etc/rootcast/update-in-progress')) ? (JSON.parse(readFileSync(join(root, 'etc/rootcast/update-in-progress'), 'utf8')) as { ref: string }).ref : undefined;

  test.skipIf(!immutableFlagWorks)('immutable files (chattr +i): PERMISSION naming them, marker kept; --rollback goes back; after chattr -i the re-run converges', async () => {
    const root = await fresh('web@1', 'immutable');
    // web@2 changes /etc/passwd (a rename onto it) and deletes /usr/lib/libx.so (an unlink).
    const locked = [join(root, 'etc/passwd'), join(root, 'usr/lib/libx.so')];
    try {
      execFileSync('chattr', ['+i', ...locked]);
      const failed = await runUpdate(['--target-root', root, '--image', 'web@2']);
    expect(failed.status, failed.stderr).toBe(77);
      expect(failed.stderr).toContain('rootcast update: error [PERMISSION]: rsync for web@2 could not write 2 paths on this host: /etc/passwd (Operation not permitted), /usr/lib/libx.so (Operation not permitted)');
      expect(failed.stderr).toMatch(/hint: make them writable \(chattr -i PATH .*update\.exclude.*rootcast update --rollback/);
      expect(markerRef(root)).toBe('web@2');
      expect(readFileSync(join(root, 'etc/passwd'), 'utf8')).toBe('root:x:0:0::/root:/bin/sh\n');
      // serve's record says why (rootcast host show).
      expect((await readHostRecord(home.paths, 'web07')).last).toMatchObject({ result: 'failed', ref: 'web@2' });
      expect(JSON.stringify((await readHostRecord(home.paths, 'web07')).last)).toContain('/etc/passwd (Operation not permitted)');

      // Way out: back to the version the host records (the interrupted update never became current).
      const back = await runUpdate(['--target-root', root, '--rollback', '--json']);
      expect(back.status, back.stderr).toBe(0);
      const report = JSON.parse(back.stdout) as { from: string; ref: string; notes: string[] };
      expect([report.from, report.ref]).toEqual(['web@1', 'web@1']);
      expect(report.notes.join('\n')).toMatch(/replaced the interrupted update to web@2 with web@1/);
      expect(markerRef(root)).toBeUndefined();
      await equalsFresh(root, 'web@1');

      // The inventory's web@2 again: the same refusal, every time, until the paths are writable.
      const again = await runUpdate(['--target-root', root]);
      expect(again.status, again.stderr).toBe(77);
      expect(again.stderr).toMatch(/could not write 2 paths on this host: \/etc\/passwd/);
      expect(markerRef(root)).toBe('web@2');
      execFileSync('chattr', ['-i', ...locked]);
      const fixed = await runUpdate(['--target-root', root, '--json']);
      expect(fixed.status, fixed.stderr).toBe(0);
      expect(JSON.parse(fixed.stdout)).toMatchObject({ ref: 'web@2', resumed: 'web@2' });
      await converged(root);
    } finally {
      execFileSync('chattr', ['-i', ...locked.filter((path) => existsSync(path))]);
    }
  }, 180_000);

  test('a read-only /usr (a bind mount in a private namespace): PERMISSION naming the paths, marker kept; writable again, the re-run converges', async () => {
    const root = await fresh('web@1', 'read-only-usr');
    const usr = join(root, 'usr');
    // The namespace, and the mount with it, ends with the update.
    const readOnlyUsr = ['unshare', '-m', '--propagation', 'private', 'sh', '-c', 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"', usr];
    const failed = await runUpdate(['--target-root', root, '--image', 'web@2'], { prefix: readOnlyUsr });
    expect(failed.status, failed.stderr).toBe(77);
    expect(failed.stderr).toMatch(/error \[PERMISSION\]: rsync for web@2 could not write \d+ paths on this host: .*\/usr\/lib\/libx\.so \(Read-only file system\)/);
    expect(failed.stderr).toMatch(/remount,rw/);
    expect(markerRef(root)).toBe('web@2');
    expect(existsSync(join(root, 'usr/lib/libx.so'))).toBe(true);
    const writable = await runUpdate(['--target-root', root, '--json']);
    expect(writable.status, writable.stderr).toBe(0);
    await converged(root);
  }, 120_000);

  test('bad input: clear errors, nothing changed', async () => {
    const before = treeOf(hostRoot);
    const unknown = await runUpdate(['--target-root', hostRoot, '--image', 'web@9']);
    expect(unknown.status).toBe(66);
    expect(unknown.stderr).toMatch(/rootcast update: error \[NOT_FOUND\]: host web07 cannot be updated to "web@9"/);
    const otherImage = await runUpdate(['--target-root', hostRoot, '--image', 'db@1']);
    expect(otherImage.status).toBe(65);
    expect(otherImage.stderr).toMatch(/set to image "web" in the inventory; "db@1" is another image/);
    const both = await runUpdate(['--target-root', hostRoot, '--image', 'web@1', '--rollback']);
    expect(both.status).toBe(64);
    expect(both.stderr).toMatch(/--image and --rollback/);
    const notEnrolled = await runUpdate(['--target-root', join(scratch, 'nothing-here')]);
    expect(notEnrolled.status).toBe(66);
    expect(notEnrolled.stderr).toMatch(/has no rootcast enrolment/);
    expect(treeOf(hostRoot)).toEqual(before);

    // While another update holds the lock, a second is refused before serve hears of it.
    mkdirSync('/run/rootcast', { recursive: true });
    const held = await tryLockFile(updateLockFile(hostRoot));
    expect(held.acquired).toBe(true);
    try {
      const recordBefore = await readHostRecord(home.paths, 'web07');
      const lockedBefore = treeOf(hostRoot);
      const second = await runUpdate(['--target-root', hostRoot, '--image', 'web@1']);
      expect(second.status).toBe(75);
      expect(second.stderr).toContain(`error [LOCKED]: another rootcast update (PID ${process.pid}) is updating web07`);
      expect(await readHostRecord(home.paths, 'web07')).toEqual(recordBefore);
      expect(treeOf(hostRoot)).toEqual(lockedBefore);
    } finally {
      if (held.acquired) await held.lock.release();
    }

    // web08 runs web@1 but the inventory now says db@1: plain update refuses to switch images unasked.
    const web08 = await enroll('web08');
    const web08Root = enrolledRoot('web08', web08, 'web08');
    await writeHostRecord(home.paths, { ...(await readHostRecord(home.paths, 'web08')), deployed: { image: 'web', version: 1, ref: 'web@1', via: 'install', at: new Date().toISOString() } });
    const web08Before = treeOf(web08Root);
    const switching = await runUpdate(['--target-root', web08Root]);
    expect(switching.status).toBe(65);
    expect(switching.stderr).toMatch(/runs image "web" and the inventory now gives it "db@1", another image: ask for it by name/);
    expect(treeOf(web08Root)).toEqual(web08Before);

    // A credential replaced by a later install (a new enrolment) is refused, by HTTP before rsync is even tried.
    const revoked = enrolledRoot('revoked');
    const revokedBefore = treeOf(revoked);
    credential = await enroll('web07');
    const refused = await runUpdate(['--target-root', revoked]);
    expect(refused.status).toBe(77);
    expect(refused.stderr).toMatch(/refused the host credential for host web07 \(HTTP 403\)/);
    expect(refused.stderr).toMatch(/replaced by a later install/);
    expect(treeOf(revoked)).toEqual(revokedBefore);
    unlinkSync(join(revoked, 'etc/rootcast/host.key'));
  }, 120_000);
});

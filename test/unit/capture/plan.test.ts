import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { defaultExcludes } from '../../../src/capture/default-excludes.js';
import { planCapture, type CapturePlanInput } from '../../../src/capture/plan.js';
import { scanSecrets } from '../../../src/capture/secrets.js';
import { parseProcMounts } from '../../../src/sys/mount-table.js';

const input = (overrides: Partial<CapturePlanInput> = {}): CapturePlanInput => ({
  image: 'web',
  source: { kind: 'ssh', user: 'root', host: 'golden', port: 2222 },
  userExcludes: [],
  includes: [],
  useDefaultExcludes: true,
  leftoverRoots: [],
  stagingRoot: '/h/images/web/.staging/1-a/root',
  ssh: { knownHostsFile: '/k', identityFile: undefined },
  progress: false,
  settleRepulls: 1,
  nanosecondMtimes: false,
  findsChanges: true,
  ...overrides,
});

/** The rsync source and destination operands: everything after "--". */
const operands = (args: readonly string[] | undefined): string[] => (args === undefined ? [] : args.slice(args.indexOf('--') + 1));
/** The one ssh command line rsync is given with -e. */
const remoteShell = (args: readonly string[] | undefined): string | undefined => (args?.includes('-e') === true ? args[args.indexOf('-e') + 1] : undefined);

describe('planCapture', () => {
  test('a first capture: one root pass over ssh, default excludes with reasons, no link-dest', () => {
    const plan = planCapture(input());
    expect(plan.sourceLabel).toBe('root@golden:2222');
    expect(plan.parentVersion).toBeUndefined();
    expect(plan.linkDest).toEqual([]);
    expect(plan.pull).toHaveLength(1);
    expect(plan.pull[0]).toMatchObject({ program: 'rsync', where: 'here' });
    expect(operands(plan.pull[0]?.args)).toEqual(['root@golden:/', '/h/images/web/.staging/1-a/root/']);
    expect(remoteShell(plan.pull[0]?.args)).toContain('-o StrictHostKeyChecking=yes');
    expect(remoteShell(plan.pull[0]?.args)).toContain('-p 2222');
    expect(plan.excludes).toEqual(defaultExcludes);
    for (const required of ['/tmp/*', '/var/tmp/*', '/run/*', '/etc/ssh/ssh_host_*', '/etc/machine-id', '/etc/hostname']) {
      expect(plan.excludes.map((rule) => rule.pattern)).toContain(required);
    }
    expect(plan.localMounts).toBeUndefined();
  });

  test('a later capture links to the newest version first, then to interrupted runs', () => {
    const plan = planCapture(input({ latest: { version: 4, root: '/h/images/web/4/root' }, leftoverRoots: ['/h/images/web/.staging/9-x/root'] }));
    expect(plan.parentVersion).toBe(4);
    expect(plan.pull[0]?.args.filter((arg) => arg.startsWith('--link-dest='))).toEqual(['--link-dest=/h/images/web/4/root', '--link-dest=/h/images/web/.staging/9-x/root']);
  });

  test('user excludes follow the defaults; --no-default-excludes drops them; includes pass through', () => {
    const plan = planCapture(input({ userExcludes: ['/var/log/*'], includes: ['/etc/hostname'], useDefaultExcludes: false }));
    expect(plan.excludes).toEqual([{ pattern: '/var/log/*', reason: 'requested (--exclude / --exclude-file)' }]);
    expect(plan.pull[0]?.args.filter((arg) => arg.startsWith('--include='))).toEqual(['--include=/etc/hostname']);
  });

  test('known mounts add one --relative pass for extra local filesystems and list skipped mount points', () => {
    const mounts = parseProcMounts('/dev/vda1 / ext4 rw 0 0\nproc /proc proc rw 0 0\n/dev/vda2 /boot ext4 rw 0 0\n/dev/vda3 /home xfs rw 0 0\n');
    const plan = planCapture(input({ mounts }));
    expect(plan.localMounts).toEqual(['/boot', '/home']);
    expect(plan.pull[1]?.args).toContain('--relative');
    expect(operands(plan.pull[1]?.args)).toEqual(['root@golden:/boot', 'root@golden:/home', '/h/images/web/.staging/1-a/root/']);
    expect(plan.pull[0]).toEqual(planCapture(input()).pull[0]);
    expect(plan.mountSkips.map((skip) => skip.mountPoint)).toEqual(['/proc']);
  });

  test('a directory source copies its contents with no remote shell', () => {
    const plan = planCapture(input({ source: { kind: 'dir', path: '/srv/roots/bookworm/' }, ssh: undefined }));
    expect(operands(plan.pull[0]?.args)).toEqual(['/srv/roots/bookworm/', '/h/images/web/.staging/1-a/root/']);
    expect(remoteShell(plan.pull[0]?.args)).toBeUndefined();
  });
});

describe('scanSecrets', () => {
  test('finds private keys, keytabs, password hashes and credentials only where they are likely', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rootcast-secrets-'));
    try {
      const put = (path: string, content: string): void => {
        mkdirSync(join(root, path, '..'), { recursive: true });
        writeFileSync(join(root, path), content);
      };
      put('etc/shadow', 'root:$y$j9T$abc:19000::::::\ndaemon:*:19000::::::\nlocked:!:19000::::::\nold:!$6$xyz:1::::::\nnopw::1::::::\n');
      put('root/.ssh/id_ed25519', '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n');
      put('root/.ssh/id_ed25519.pub', 'ssh-ed25519 AAAA me');
      put('home/alice/.ssh/deploy', '-----BEGIN RSA PRIVATE KEY-----\n');
      put('etc/krb5.keytab', '\x05\x02keytab');
      put('home/bob/.aws/credentials', '[default]\naws_secret_access_key=x\n');
      put('usr/share/doc/example-key.pem', '-----BEGIN PRIVATE KEY-----\n');
      symlinkSync('/etc/ssl/private/host.key', join(root, 'root/.ssh/linked'));
      const findings = await scanSecrets(root);
      expect(findings.map((finding) => `${finding.path} ${finding.kind}`)).toEqual([
        '/etc/krb5.keytab keytab',
        '/etc/shadow password-hash',
        '/etc/shadow password-hash',
        '/home/alice/.ssh/deploy private-key',
        '/home/bob/.aws/credentials credentials',
        '/root/.ssh/id_ed25519 private-key',
      ]);
      expect(findings.filter((finding) => finding.kind === 'password-hash').map((finding) => finding.detail)).toEqual(['"root" has a password hash', '"old" has a password hash']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

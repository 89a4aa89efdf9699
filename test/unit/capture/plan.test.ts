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
  ...overrides,
});

describe('planCapture', () => {
  test('a first capture: one root pass over ssh, default excludes with reasons, no link-dest', () => {
    const plan = planCapture(input());
    expect(plan.sourceLabel).toBe('root@golden:2222');
    expect(plan.parentVersion).toBeUndefined();
    expect(plan.linkDest).toEqual([]);
    expect(plan.transfers).toHaveLength(1);
    expect(plan.transfers[0]?.sources).toEqual(['root@golden:/']);
    expect(plan.transfers[0]?.destination).toBe('/h/images/web/.staging/1-a/root/');
    expect(plan.transfers[0]?.remoteShell).toEqual(expect.arrayContaining(['-p', '2222', 'StrictHostKeyChecking=yes']));
    expect(plan.excludes).toEqual(defaultExcludes);
    for (const required of ['/tmp/*', '/var/tmp/*', '/run/*', '/etc/ssh/ssh_host_*', '/etc/machine-id', '/etc/hostname']) {
      expect(plan.excludes.map((rule) => rule.pattern)).toContain(required);
    }
    expect(plan.localMounts).toBeUndefined();
  });

  test('a later capture links to the newest version first, then to interrupted runs', () => {
    const plan = planCapture(input({ latest: { version: 4, root: '/h/images/web/4/root' }, leftoverRoots: ['/h/images/web/.staging/9-x/root'] }));
    expect(plan.parentVersion).toBe(4);
    expect(plan.transfers[0]?.linkDest).toEqual(['/h/images/web/4/root', '/h/images/web/.staging/9-x/root']);
  });

  test('user excludes follow the defaults; --no-default-excludes drops them; includes pass through', () => {
    const plan = planCapture(input({ userExcludes: ['/var/log/*'], includes: ['/etc/hostname'], useDefaultExcludes: false }));
    expect(plan.excludes).toEqual([{ pattern: '/var/log/*', reason: 'requested (--exclude / --exclude-file)' }]);
    expect(plan.transfers[0]?.includes).toEqual(['/etc/hostname']);
  });

  test('known mounts add one --relative pass for extra local filesystems and list skipped mount points', () => {
    const mounts = parseProcMounts('/dev/vda1 / ext4 rw 0 0\nproc /proc proc rw 0 0\n/dev/vda2 /boot ext4 rw 0 0\n/dev/vda3 /home xfs rw 0 0\n');
    const plan = planCapture(input({ mounts }));
    expect(plan.localMounts).toEqual(['/boot', '/home']);
    expect(plan.transfers[1]).toMatchObject({ relative: true, sources: ['root@golden:/boot', 'root@golden:/home'] });
    expect(plan.transfers[0]).toEqual(planCapture(input()).transfers[0]);
    expect(plan.mountSkips.map((skip) => skip.mountPoint)).toEqual(['/proc']);
  });

  test('a directory source copies its contents with no remote shell', () => {
    const plan = planCapture(input({ source: { kind: 'dir', path: '/srv/roots/bookworm/' }, ssh: undefined }));
    expect(plan.transfers[0]?.sources).toEqual(['/srv/roots/bookworm/']);
    expect(plan.transfers[0]?.remoteShell).toBeUndefined();
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

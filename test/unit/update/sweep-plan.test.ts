import { describe, expect, test } from 'vitest';
import { planRemovals, planSweepFind, prunableTrees, selectLeftovers } from '../../../src/update/sweep.js';
import { builtinUpdateExcludes, planUpdateExcludes } from '../../../src/update/update-excludes.js';

const none = { keepPaths: [], captureExcludes: [], adminPatterns: [], foreignMounts: [], swapFiles: [], linkedDataDirs: [] };
const owners = [
  { path: '/root/.ssh/authorized_keys', layer: 'host/web07', kind: 'provides' as const },
  { path: '/etc/motd', layer: 'all', kind: 'provides' as const },
  { path: '/home/alice', layer: 'group/web', kind: 'removes' as const },
];

describe('the .~tmp~ sweep after an interrupted update', () => {
  test('prunable trees: every built-in anchored directory, /dir/* and /dir/ as /dir; wildcards and unanchored patterns skipped', () => {
    const trees = prunableTrees(builtinUpdateExcludes.map((rule) => rule.pattern));
    expect(trees).toEqual(expect.arrayContaining(['/home', '/root', '/var/log', '/var/cache', '/var/lib/mysql', '/var/lib/docker', '/proc', '/run', '/tmp', '/etc/netplan', '/etc/rootcast', '/usr/local/lib/rootcast', '/boot/grub/i386-pc']));
    expect(trees.filter((tree) => /[*?[]/.test(tree) || !tree.startsWith('/') || tree.endsWith('/'))).toEqual([]);
    expect(trees).not.toContain('/etc/ssh');
    expect(prunableTrees(['/srv/keep/', '/opt/*/cache/', 'lost+found/', '/data/**', '/', '/*', '/var/cache/apt/*.bin'])).toEqual(['/srv/keep']);
    // Escaped wildcards (a mount point's literal pattern) name a path; rsync unescapes only when a wildcard is in the pattern.
    expect(prunableTrees(['/mnt/\\[odd]/', '/data/swap\\*1', '/a\\\\*b', '/back\\slash/'])).toEqual(['/mnt/[odd]', '/data/swap*1', '/back\\slash']);
  });

  test('the find prunes the excluded trees below the root, except one a layer writes a file into', () => {
    const excludes = planUpdateExcludes({ ...none, keepPaths: ['/boot/efi/'], adminPatterns: ['/srv/keep/'], foreignMounts: ['/mnt/nfs', '/mnt/[odd]'] });
    const request = planSweepFind('/hosts/a', excludes, owners);
    expect([request.program, ...request.args.slice(0, 3)]).toEqual(['find', '/hosts/a', '(', '-path']);
    expect(request.args.slice(-9)).toEqual([')', '-prune', '-o', '-type', 'd', '-name', '.~tmp~', '-prune', '-print0']);
    const pruned = request.args.filter((_, index) => request.args[index - 1] === '-path');
    expect(pruned).toEqual(expect.arrayContaining(['/hosts/a/home', '/hosts/a/var/lib/mysql', '/hosts/a/srv/keep', '/hosts/a/mnt/nfs', '/hosts/a/boot/efi', '/hosts/a/proc']));
    // find's own wildcards escaped: the mount /mnt/[odd] and nothing else.
    expect(pruned).toContain('/hosts/a/mnt/\\[odd]');
    // /root is walked: the host layer writes /root/.ssh/authorized_keys (a removal writes nothing).
    expect(pruned).not.toContain('/hosts/a/root');
    expect(planSweepFind('/', excludes, []).args).toEqual(expect.arrayContaining(['/home', '/root', '/var/lib/mysql']));
    expect(request).toMatchObject({ where: 'here', env: expect.arrayContaining(['LC_ALL']), okExitCodes: [0, 1] });
    // A foreign mount is pruned even where a layer writes (an NFS /root): no pass writes into it.
    const withMount = planSweepFind('/hosts/a', excludes, owners, ['/root']);
    expect(withMount.args.filter((_, index) => withMount.args[index - 1] === '-path')).toContain('/hosts/a/root');
  });

  test('leftovers: outside every excluded tree, or beside a layer\'s file; anything else in an excluded tree stays', () => {
    const excludes = planUpdateExcludes({ ...none, adminPatterns: ['/srv/keep/'] });
    const found = ['/h/.~tmp~', '/h/etc/.~tmp~', '/h/root/.ssh/.~tmp~', '/h/root/backup/.~tmp~', '/h/home/u/.~tmp~', '/h/var/lib/mysql/.~tmp~', '/h/srv/keep/x/.~tmp~', '/h/var/lib/dpkg/info/.~tmp~'];
    expect(selectLeftovers('/h', found, excludes, owners)).toEqual(['/h/.~tmp~', '/h/etc/.~tmp~', '/h/root/.ssh/.~tmp~', '/h/var/lib/dpkg/info/.~tmp~']);
    expect(selectLeftovers('/', ['/etc/.~tmp~', '/home/u/.~tmp~', '/var/lib/mysqlx/.~tmp~'], excludes, [])).toEqual(['/etc/.~tmp~', '/var/lib/mysqlx/.~tmp~']);
  });

  test('removals: every path once, in order, no rm given more than its budget of argument bytes', () => {
    const paths = Array.from({ length: 3000 }, (_, index) => `/usr/share/${'d'.repeat(200)}/${index}/.~tmp~`);
    const requests = planRemovals(paths, 64 * 1024);
    expect(requests.length).toBeGreaterThan(1);
    expect(requests.flatMap((request) => request.args.slice(2))).toEqual(paths);
    for (const request of requests) {
      expect(request.args.slice(0, 2)).toEqual(['-rf', '--']);
      expect(request.args.slice(2).reduce((sum, path) => sum + Buffer.byteLength(path) + 9, 0)).toBeLessThanOrEqual(64 * 1024);
    }
    expect(planRemovals([])).toEqual([]);
    // A path longer than the budget still goes, alone.
    expect(planRemovals(['/a', `/${'b'.repeat(100)}`, '/c'], 50).map((request) => request.args.slice(2))).toEqual([['/a'], [`/${'b'.repeat(100)}`], ['/c']]);
  });
});

import { describe, expect, test } from 'vitest';
import { compareRunnerFiles, hashedDigests, planHostPush, recordedDigests } from '../../../src/push/push-plan.js';
import { pushFailed } from '../../../src/push/push-result.js';

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const local = { node: { path: '/usr/bin/node', digest: digest('a') }, runner: { path: '/x/runner.cjs', digest: digest('b') } };
const settings = { mode: 'push' as const, image: 'web@8', dryRun: false, delete: true, bootloader: true, reboot: false, targetRoot: '/srv/hosts/{host}', sshUser: 'root', sshPort: 22, concurrency: 32, timeoutSeconds: 600 };

describe('push, per host', () => {
  test('the update command: the host\'s own runner, its root, no secret', () => {
    const plan = planHostPush({ name: 'web07', ip: '10.0.0.7' }, settings);
    expect(plan.target).toEqual({ user: 'root', host: '10.0.0.7', port: 22 });
    expect(plan.remoteDir).toBe('/srv/hosts/web07/usr/local/lib/rootcast');
    expect(plan.updateCommand).toBe('exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C /srv/hosts/web07/usr/local/lib/rootcast/node /srv/hosts/web07/usr/local/lib/rootcast/runner.cjs update --json --via push --image web@8 --target-root /srv/hosts/web07');
    expect(planHostPush({ name: 'web07', ip: '10.0.0.7' }, { ...settings, mode: 'drift', targetRoot: '/', image: undefined }).updateCommand).toMatch(/ \/usr\/local\/lib\/rootcast\/runner\.cjs update --json --via push --dry-run$/);
  });

  test('recorded digests count only while size and mtime match; what differs is uploaded, what is unknown hashed', () => {
    const state = [`node 100 5 ${digest('a')}`, `runner.cjs 20 6 ${digest('c')}`, '--', 'node 100 5', 'runner.cjs 21 7'].join('\n');
    const known = recordedDigests(state);
    expect([...known]).toEqual([['node', digest('a')]]);
    expect(compareRunnerFiles(known, local)).toEqual({ stale: [], unknown: ['runner'] });
    const hashed = hashedDigests(`${'c'.repeat(64)}  runner.cjs\n`);
    expect(compareRunnerFiles(new Map([...known, ...hashed]), local)).toEqual({ stale: ['runner'], unknown: [] });
    expect(compareRunnerFiles(new Map(), local)).toEqual({ stale: [], unknown: ['node', 'runner'] });
  });

  test('exit 1 when a host failed or drifted', () => {
    const result = { host: 'h', from: null, ref: null, files: 0, bytes: 0, durationMs: 1, rebootNeeded: false, uploaded: [] };
    expect(pushFailed([{ ...result, result: 'updated' }, { ...result, result: 'in-sync' }])).toBe(false);
    expect(pushFailed([{ ...result, result: 'updated' }, { ...result, result: 'failed' }])).toBe(true);
    expect(pushFailed([{ ...result, result: 'drifted' }])).toBe(true);
  });
});

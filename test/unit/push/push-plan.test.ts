import { describe, expect, test } from 'vitest';
import { compareRunnerFiles, hashedDigests, planHostPush, recordedDigests } from '../../../src/push/push-plan.js';
import { formatPushDryRun, planPushDryRun } from '../../../src/push/push-dry-run.js';
import { pushFailed } from '../../../src/push/push-result.js';
import { listPushSteps } from '../../../src/push/push-steps.js';
import { formatPlannedCommand } from '../../../src/sys/planned-command.js';

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const local = { node: { path: '/usr/bin/node', digest: digest('a') }, runner: { path: '/x/runner.cjs', digest: digest('b') } };
const settings = { mode: 'push' as const, image: 'web@8', dryRun: false, delete: true, bootloader: true, reboot: false, targetRoot: '/srv/hosts/{host}', sshUser: 'root', sshPort: 22, concurrency: 32, timeoutSeconds: 600 };

describe('push, per host', () => {
  test('the update command: the host\'s own runner, its root, no secret', () => {
    const plan = planHostPush({ name: 'web07', ip: '10.0.0.7' }, settings, local);
    expect(plan.target).toEqual({ user: 'root', host: '10.0.0.7', port: 22 });
    expect(plan.remoteDir).toBe('/srv/hosts/web07/usr/local/lib/rootcast');
    expect(formatPlannedCommand(plan.updateCommand)).toBe('exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C /srv/hosts/web07/usr/local/lib/rootcast/node /srv/hosts/web07/usr/local/lib/rootcast/runner.cjs update --json --via push --image web@8 --target-root /srv/hosts/web07');
    expect(formatPlannedCommand(planHostPush({ name: 'web07', ip: '10.0.0.7' }, { ...settings, mode: 'drift', targetRoot: '/', image: undefined }, local).updateCommand)).toMatch(/ \/usr\/local\/lib\/rootcast\/runner\.cjs update --json --via push --dry-run$/);
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

  test('--dry-run: every host\'s steps in the order push takes them, each ssh line exactly as sent; a host without an address named', () => {
    const plan = planHostPush({ name: 'web07', ip: '10.0.0.7' }, settings, local);
    const steps = listPushSteps(plan);
    expect(steps.map((step) => (step.kind === 'run' ? step.command.program : `sftp ${step.upload.name}`))).toEqual(['sh', 'sh', 'mkdir', 'sftp node', 'sftp runner.cjs', 'sh', 'exec', 'sh']);
    expect(steps.filter((step) => step.kind === 'run').map((step) => step.command.where)).toEqual(Array(6).fill('ssh'));
    expect(formatPlannedCommand(plan.makeDirCommand)).toBe('mkdir -p -- /srv/hosts/web07/usr/local/lib/rootcast');
    expect(plan.recordCommand.args[1]).toContain(`node) d=${digest('a')};; *) d=${digest('b')};;`);
    expect(plan.uploads).toEqual({
      node: { name: 'node', local: '/usr/bin/node', remote: '/srv/hosts/web07/usr/local/lib/rootcast/node', mode: 0o755 },
      runner: { name: 'runner.cjs', local: '/x/runner.cjs', remote: '/srv/hosts/web07/usr/local/lib/rootcast/runner.cjs', mode: 0o644 },
    });
    const hosts = [{ name: 'web07', ip: '10.0.0.7' }, { name: 'web08', ip: undefined }];
    const text = formatPushDryRun(hosts, settings, local).split('\n');
    for (const step of steps) {
      const line = step.kind === 'run' ? `  ssh$ ${formatPlannedCommand(step.command)}` : `  sftp: ${step.upload.local} -> ${step.upload.remote} (mode 0${step.upload.mode.toString(8)};`;
      expect(text.filter((row) => row.startsWith(line)), line).toHaveLength(1);
    }
    expect(text).toContain('web08: no ip in the inventory: push cannot reach it');
    expect(planPushDryRun(hosts, settings, local)).toEqual([{ host: 'web07', target: plan.target, steps }, { host: 'web08', problem: 'no ip in the inventory: push cannot reach it' }]);
  });

  test('exit 1 when a host failed or drifted', () => {
    const result = { host: 'h', from: null, ref: null, files: 0, bytes: 0, durationMs: 1, rebootNeeded: false, uploaded: [] };
    expect(pushFailed([{ ...result, result: 'updated' }, { ...result, result: 'in-sync' }])).toBe(false);
    expect(pushFailed([{ ...result, result: 'updated' }, { ...result, result: 'failed' }])).toBe(true);
    expect(pushFailed([{ ...result, result: 'drifted' }])).toBe(true);
  });
});

import { deployFacts, deployInstructions, stepOf } from './deploy-fixtures.js';
import { describe, expect, test } from 'vitest';
import type { DeployInstructions } from '../../../src/protocol/deploy-protocol.js';
import type { DeployFacts } from '../../../src/runner/facts.js';
import { memoryMarginBytes, planDeploy, toolboxSizeBytes, type PlanSettings } from '../../../src/runner/plan.js';
import { formatPlan } from '../../../src/runner/print-plan.js';
import { commandsOfStep } from '../../../src/runner/steps.js';
import { formatPlannedCommand } from '../../../src/sys/planned-command.js';
import { runnerPhases } from '../../../src/protocol/deploy-protocol.js';

const mib = 1024 * 1024;
const instructions = (overrides: Partial<DeployInstructions> = {}): DeployInstructions =>
  deployInstructions({ keepPaths: ['/etc/fstab', '/etc/crypttab', '/boot/efi'], family: 'rhel', ...overrides });
const facts = (overrides: Partial<DeployFacts> = {}): DeployFacts =>
  deployFacts({ submounts: ['/boot', '/boot/efi'], rootCopy: { files: 10_000, bytes: 900 * mib }, ...overrides });
const settings: PlanSettings = { workDir: '/run/rootcast', ioTimeoutSeconds: 60, server: 'http://10.0.0.1:8780', boot: { enabled: true } };

describe('planDeploy', () => {
  test('plans every protocol phase once, in protocol order (done is reported once the plan has run)', () => {
    expect(planDeploy(instructions(), facts(), settings).map((step) => step.kind)).toEqual(runnerPhases.filter((phase) => phase !== 'done'));
  });

  test('sizes the tmpfs from the measured root (bytes + a page per file + slack) and checks RAM against it plus the margin', () => {
    const steps = planDeploy(instructions(), facts(), settings);
    const ramCopy = stepOf(steps, 'ram-copy');
    expect(ramCopy.tmpfsBytes).toBe(toolboxSizeBytes({ files: 10_000, bytes: 900 * mib }));
    expect(ramCopy.tmpfsBytes).toBeGreaterThanOrEqual(900 * mib + 10_000 * 4096);
    expect(ramCopy.tmpfsBytes % mib).toBe(0);
    const memory = stepOf(steps, 'preflight').checks.find((check) => check.name === 'memory');
    expect(memory?.ok).toBe(true);

    const tight = planDeploy(instructions(), facts({ memAvailableBytes: ramCopy.tmpfsBytes + memoryMarginBytes - 1 }), settings);
    const refused = stepOf(tight, 'preflight').checks.find((check) => check.name === 'memory');
    expect(refused?.ok).toBe(false);
    expect(refused?.failure?.code).toBe('NO_SPACE');
    expect(refused?.failure?.message).toMatch(/not enough RAM/);
  });

  test('an unmounted target fails the preflight as a usage error', () => {
    const check = stepOf(planDeploy(instructions(), facts({ targetMounted: false }), settings), 'preflight').checks.find((c) => c.name === 'target-mounted');
    expect(check?.ok).toBe(false);
    expect(check?.failure?.code).toBe('USAGE');
  });

  test('binds pseudo filesystems recursively, the target root and each of its own filesystems one by one', () => {
    const commands = stepOf(planDeploy(instructions(), facts(), settings), 'mount').commands;
    expect(commands.map((command) => [command.program, ...command.args].join(' '))).toEqual([
      'mkdir -p /run/rootcast/toolbox.42/proc /run/rootcast/toolbox.42/sys /run/rootcast/toolbox.42/dev /run/rootcast/toolbox.42/target',
      'mount --rbind /proc /run/rootcast/toolbox.42/proc',
      'mount --rbind /sys /run/rootcast/toolbox.42/sys',
      'mount --rbind /dev /run/rootcast/toolbox.42/dev',
      'mount --bind /mnt/sysroot /run/rootcast/toolbox.42/target',
      'mkdir -p /run/rootcast/toolbox.42/target/boot', 'mount --bind /mnt/sysroot/boot /run/rootcast/toolbox.42/target/boot',
      'mkdir -p /run/rootcast/toolbox.42/target/boot/efi', 'mount --bind /mnt/sysroot/boot/efi /run/rootcast/toolbox.42/target/boot/efi',
    ]);
    expect(commands.every((command) => command.where === 'namespace' && command.chroot === undefined)).toBe(true);
  });

  test('pulls from the resolved address as the host user and protects kept paths plus the runner\'s own and swap files', () => {
    const sync = stepOf(planDeploy(instructions(), facts(), { ...settings, bwlimitKiB: 5000 }), 'sync-image');
    const args = sync.pull.args;
    expect(args.slice(args.indexOf('--'))).toEqual(['--', 'rsync://install.web07@10.0.0.1:8873/img.web.3/', '/target/']);
    // The installer's machine id and host keys are this clone's own: the image pass leaves them alone.
    expect(args.filter((arg) => arg.startsWith('--exclude='))).toEqual([
      '/etc/fstab', '/etc/crypttab', '/boot/efi', '/var/log/rootcast/', '/run/rootcast/', '/etc/rootcast/',
      '/usr/local/lib/rootcast/', '/etc/systemd/system/rootcast-firstboot.service', '/etc/systemd/system/multi-user.target.wants/rootcast-firstboot.service',
      '/etc/machine-id', '/var/lib/dbus/machine-id', '/etc/ssh/ssh_host_*', '/swapfile', '/swap.img',
    ].map((path) => `--exclude=${path}`));
    expect(args.filter((arg) => arg.startsWith('--filter='))).toEqual([]);
    expect(args).toContain('--bwlimit=5000');
    // Chrooted into the toolbox inside the namespace, with the token by name only.
    expect(sync.pull).toMatchObject({ program: 'rsync', where: 'namespace', chroot: '/run/rootcast/toolbox.42', env: ['PATH', 'LC_ALL', 'HOME', 'RSYNC_PASSWORD'], okExitCodes: [0, 24] });
  });

  test('both pulls carry the stall watchdog: 90 s by default, --stall-timeout\'s value when given', () => {
    const withLayers = instructions({ overrides: { url: 'rsync://install.web07@images.example:8873/ovl.web07/', layers: [], imageFilters: [], overridesFilters: [], treeDigest: `sha256:${'0'.repeat(64)}` } });
    const pulls = (extra: Partial<PlanSettings>) => {
      const steps = planDeploy(withLayers, facts(), { ...settings, ...extra });
      const overrides = stepOf(steps, 'overrides');
      return [stepOf(steps, 'sync-image').pull.stallSeconds, 'pull' in overrides ? overrides.pull.stallSeconds : 'no pull'];
    };
    expect(pulls({})).toEqual([90, 90]);
    expect(pulls({ stallSeconds: 5 })).toEqual([5, 5]);
  });

  test('chrooted into the target ("/"), the toolbox copy skips the work dir that holds node and the runner', () => {
    const steps = planDeploy(instructions(), facts({ target: '/', submounts: [] }), { ...settings, workDir: '/var/lib/rootcast-run' });
    const copy = stepOf(steps, 'ram-copy').copy.args;
    expect(copy.slice(copy.indexOf('--'))).toEqual(['--', '/', '/run/rootcast/toolbox.42/']);
    expect(copy).toContain('--exclude=/var/lib/rootcast-run');
    expect(copy).toContain('--exclude=/proc/*');
    expect(stepOf(steps, 'mount').commands.at(-1)).toMatchObject({ program: 'mount', args: ['--bind', '/', '/run/rootcast/toolbox.42/target'] });
  });

  test('the dry-run text shows every step and a failed check', () => {
    const text = formatPlan(planDeploy(instructions(), facts({ memAvailableBytes: 10 * mib }), settings));
    for (const phase of runnerPhases.filter((name) => name !== 'done')) expect(text).toContain(`. ${phase}`);
    expect(text).toMatch(/FAIL memory/);
    expect(text).toContain('rsync://install.web07@10.0.0.1:8873/img.web.3/');
    // The token is not even in the plan: commands name the variables they get, never a value.
    expect(text).not.toMatch(/RSYNC_PASSWORD=/);
    // Every planned command is on a line of its own, after the prompt of where it runs.
    const steps = planDeploy(instructions(), facts(), settings);
    const lines = formatPlan(steps).split('\n');
    for (const command of steps.flatMap((step) => commandsOfStep(step))) {
      expect(lines).toContain(`  ${command.where === 'namespace' ? 'ns$ ' : '$ '}${formatPlannedCommand(command)}`);
    }
    expect(lines.filter((line) => /^ {2}(ns)?\$ /.test(line))).toHaveLength(steps.flatMap((step) => commandsOfStep(step)).length);
    // The private namespace every ns$ line enters is opened by a planned command too, printed with what the legend does not say.
    const holder = stepOf(steps, 'ram-copy').namespace;
    expect(formatPlannedCommand(holder)).toBe("unshare -m -p --fork --propagation private -- sh -c 'echo ready; read _ || true'");
    expect(lines.slice(lines.indexOf(`  $ ${formatPlannedCommand(holder)}`) + 1)[0]).toBe('      (environment: ours; spawned without setpriv)');
  });
});

import type { Command } from '@commander-js/extra-typings';
import type { Command as PlainCommand } from 'commander';
import { defaultKnownHostsFile, loadSshCredentials } from '../../capture/ssh-credentials.js';
import { RootcastError } from '../../errors/rootcast-error.js';
import { checkImageArgument } from '../../inventory/arguments.js';
import { loadInventory } from '../../inventory/load.js';
import { resolveHosts } from '../../inventory/resolve.js';
import { selectFleetHosts } from '../../monitor/host-spec.js';
import { packageFile } from '../../package/package-root.js';
import type { PushSettings } from '../../push/push-plan.js';
import { pushFailed, type HostPushResult } from '../../push/push-result.js';
import { createLiveView, formatPushTable, formatResultLine, formatStageLine } from '../../push/push-view.js';
import { readRunnerFiles, runPush } from '../../push/run-push.js';
import { formatPushDryRun, planPushDryRun } from '../../push/push-dry-run.js';
import { buildContext, type CommandContext, type ContextSeed } from '../context.js';
import { ResultFailure } from '../result-failure.js';

interface FleetOptions {
  concurrency: string;
  timeout: string;
  sshUser: string;
  sshPort: string;
  sshKey?: string | undefined;
  knownHosts?: string | undefined;
  targetRoot: string;
}

const wholeNumber = (option: string, text: string, min: number, max: number): number => {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new RootcastError('USAGE', `${option} "${text}" is not a whole number from ${min} to ${max}`);
  return value;
};

/**
 * Runs push or drift on the hosts HOSTSPEC names; prints a live view (terminal) or plain lines, then the table or JSON.
 * `dryRun`: prints every host's plan (text, or JSON with --json) and contacts none.
 */
const runFleetCommand = async (ctx: CommandContext, specs: readonly string[], settings: PushSettings, options: FleetOptions, dryRun = false): Promise<void> => {
  const loaded = await loadInventory(ctx.paths, { mustExist: true });
  const all = resolveHosts(loaded.validation.inventory).map((host) => ({ name: host.name, groups: host.groups, imageRef: host.image?.ref ?? '-', ip: host.ip }));
  const hosts = selectFleetHosts(all, specs, loaded.file);
  if (hosts.length === 0) throw new RootcastError('NOT_FOUND', `no hosts in the inventory ${loaded.file}`, { hint: 'add hosts first: rootcast host add' });
  const credentials = await loadSshCredentials(options.sshKey, ctx.env);
  const nodePath = process.execPath;
  const runnerPath = packageFile('dist', 'runner.cjs');
  if (dryRun) {
    const files = await readRunnerFiles(nodePath, runnerPath);
    ctx.stdout.write(ctx.json ? `${JSON.stringify(planPushDryRun(hosts, settings, files), null, 2)}\n` : `${formatPushDryRun(hosts, settings, files)}\n`);
    return;
  }
  const live = !ctx.json && ctx.stderr === process.stderr && process.stderr.isTTY === true ? createLiveView(hosts.map((host) => host.name), (text) => void ctx.stderr.write(text)) : undefined;
  const results: HostPushResult[] = await runPush(hosts, settings, {
    openSsh: ctx.openSsh,
    credentials,
    knownHostsFile: options.knownHosts ?? defaultKnownHostsFile(ctx.env),
    nodePath,
    runnerPath,
    monotonicMs: () => performance.now(),
    onStage: (host, stage) => (live === undefined ? (ctx.json ? undefined : void ctx.stderr.write(`${formatStageLine(host, stage)}\n`)) : live.stage(host, stage)),
    onResult: (result) => (live === undefined ? (ctx.json ? undefined : void ctx.stderr.write(`${formatResultLine(result)}\n`)) : live.result(result)),
  });
  live?.end();
  ctx.stdout.write(ctx.json ? `${JSON.stringify(results, null, 2)}\n` : `${formatPushTable(results)}\n`);
  if (pushFailed(results)) throw new ResultFailure();
};

/** The options push and drift share (the untyped builder: both commands take them alike). */
const addFleetOptions = (command: PlainCommand): PlainCommand =>
  command
    .option('--concurrency <n>', 'hosts at once', '32')
    .option('--timeout <s>', 'seconds one host may take (connect, upload, update) before it counts as failed (TIMEOUT; an update already running there goes on)', '600')
    .option('--ssh-user <user>', 'the user push logs in as (it runs the update: root)', 'root')
    .option('--ssh-port <port>', 'sshd port on the hosts', '22')
    .option('--ssh-key <file>', 'private key (default: ssh-agent and ~/.ssh/id_*)')
    .option('--known-hosts <file>', 'known_hosts the host keys are checked against (default ~/.ssh/known_hosts); an unknown or changed key fails that host')
    .option('--target-root <dir>', 'the hosts\' root, {host} replaced by each name (tests, rescue systems)', '/');

interface PushFlags {
  image?: string | undefined;
  dryRun?: boolean | undefined;
  delete?: boolean | undefined;
  bootloader?: boolean | undefined;
  reboot?: boolean | undefined;
}

/** A path on the hosts: a relative one would mean each SSH session's working directory (and another lock name). */
const absoluteTargetRoot = (root: string): string => {
  if (!root.startsWith('/')) throw new RootcastError('USAGE', `--target-root "${root}" is not an absolute path`, { hint: 'name the root on the hosts from /, e.g. /srv/hosts/{host}' });
  return root;
};

const settingsOf = (mode: PushSettings['mode'], options: FleetOptions, push: PushFlags): PushSettings => ({
  mode,
  image: push.image === undefined ? undefined : checkImageArgument(push.image),
  delete: push.delete !== false,
  bootloader: push.bootloader !== false,
  reboot: push.reboot === true,
  targetRoot: absoluteTargetRoot(options.targetRoot),
  sshUser: options.sshUser,
  sshPort: wholeNumber('--ssh-port', options.sshPort, 1, 65535),
  concurrency: wholeNumber('--concurrency', options.concurrency, 1, 1024),
  timeoutSeconds: wholeNumber('--timeout', options.timeout, 1, 86_400),
});

/** `rootcast push HOSTSPEC` and `rootcast drift HOSTSPEC`: the update run on many hosts over SSH. */
export const registerPushCommands = (program: Command, seed: ContextSeed): void => {
  const push = program
    .command('push')
    .description('update hosts over SSH: each runs rootcast update with its own credential; uploads node and the runner when they differ')
    .argument('<hostspec...>', 'host names, ranges (web[01-03]), @group or all')
    .option('--image <ref>', 'the version to push (default: each host\'s version in the inventory)')
    .option('--dry-run', 'print what push would send to each host (every command, shell-quoted, and the uploads); contact none (see what would change with drift)')
    .option('--no-delete', 'only add and change files')
    .option('--no-bootloader', 'do not rebuild initramfs and boot loader configuration after a kernel change')
    .option('--reboot', 'hosts reboot when their update needs it');
  addFleetOptions(push as unknown as PlainCommand).action(async (specs: string[], options: FleetOptions & PushFlags, command: PlainCommand) => {
    // Hosts mid-update are waited for and reported to serve, whoever reads push's lines.
    seed.closedOutput?.outlive();
    const ctx = buildContext(command, seed);
    await runFleetCommand(ctx, specs, settingsOf('push', options, options), options, options.dryRun === true);
  });
  const drift = program
    .command('drift')
    .description('per host, how many files differ from its assigned version and layers (a dry-run update over SSH); exit 1 when any drifted')
    .argument('<hostspec...>', 'host names, ranges (web[01-03]), @group or all');
  addFleetOptions(drift as unknown as PlainCommand).action(async (specs: string[], options: FleetOptions, command: PlainCommand) => {
    const ctx = buildContext(command, seed);
    await runFleetCommand(ctx, specs, settingsOf('drift', options, {}), options);
  });
};

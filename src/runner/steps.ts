import type { RunnerPhase } from '../protocol/deploy-protocol.js';
import type { ErrorCode } from '../errors/codes.js';
import type { PlannedCommand } from '../sys/planned-command.js';
import { torrentCommandsInOrder, type SyncTransport } from './torrent-fetch.js';
import type { DeployedDelivery } from '../protocol/deployed-state.js';
import type { FirstBootInstall } from './plan-first-boot.js';
import type { Firmware } from './plan-boot.js';

/** A local precondition, evaluated by the planner from the facts (so --dry-run shows it). */
export interface PreflightCheck {
  name: 'target-mounted' | 'memory' | 'server' | 'payload-space' | 'boot-disk';
  ok: boolean;
  detail: string;
  /** The error raised when the check failed. */
  failure?: { code: ErrorCode; message: string; hint: string };
}

interface StepBase<K extends RunnerPhase> {
  kind: K;
}

/**
 * Every external program a step runs is a PlannedCommand in it, exactly as it will run; the step's
 * other fields are only for messages and for the few things done in-process (mkdir, rmdir, HTTP).
 */
export interface PreflightStep extends StepBase<'preflight'> {
  checks: PreflightCheck[];
  /** Lists the image module over rsync: proves the daemon, the token and the image version. */
  probe: PlannedCommand;
  /** "image web@3", for messages. */
  what: string;
}

export interface RamCopyStep extends StepBase<'ram-copy'> {
  /** Host path of the mount point (made before, removed by cleanup). */
  toolbox: string;
  tmpfsBytes: number;
  /** Opens the private mount+PID namespace the `namespace` commands of this and later steps run in (cleanup ends it). */
  namespace: PlannedCommand;
  mountTmpfs: PlannedCommand;
  copy: PlannedCommand;
}

/** /proc, /sys, /dev bound recursively, the target root and its own filesystems one by one: a mkdir and a mount each. */
export interface MountStep extends StepBase<'mount'> {
  commands: PlannedCommand[];
}

export interface SyncImageStep extends StepBase<'sync-image'> {
  what: string;
  /** rsync chrooted into the toolbox, from the daemon module onto /target/; its transient failures are retried. */
  pull: PlannedCommand;
  /** BitTorrent first, then `pull` as the exact finish (docs/fanout.md); absent means rsync alone. */
  transport?: SyncTransport;
}

/** A phase the plan leaves out, with why (no layers for the host, --no-bootloader...). */
interface Skipped {
  skipped: string;
}

/** The host's override tree from its own module onto /target/ (docs/overrides.md), retried like the image pull. */
export type OverridesStep = StepBase<'overrides'> & ({ what: string; pull: PlannedCommand } | Skipped);

/**
 * What the runner adds to the identity layer serve sent: /proc /sys /dev bound into the target for the
 * commands chrooted there, a machine id where the installer left none, host keys when the image has sshd.
 */
export interface IdentityStep extends StepBase<'identity'> {
  targetMounts: PlannedCommand[];
  /** Host-view path of the target's machine id: written (random, atomically) only when missing or empty. */
  machineIdFile: string;
  /** Run only when `when` (host view: the target's sshd) exists; ssh-keygen -A makes only missing keys. */
  hostKeys: { when: string; command: PlannedCommand };
  /** Reported as progress events (the image's fstab mounts what this machine's lacks). */
  warnings: string[];
}

/** initramfs, boot loader on this machine's disk(s) and its config, relabel: chrooted into the target. */
export type BootloaderStep = StepBase<'bootloader'> & ({ firmware: Firmware; disks: string[]; commands: PlannedCommand[] } | Skipped);

/** Trades the install token for the host credential (HTTP, no program) and leaves it on the target for later updates. */
export interface EnrollStep extends StepBase<'enroll'> {
  /** The server the credential belongs to (written beside it). */
  server: string;
  /** Host-view paths on the target. */
  credentialFile: string;
  clientFile: string;
  /** The first-boot report: fetched from serve, installed and enabled on the target. */
  firstBoot: FirstBootInstall;
  /** Host-view path of /etc/rootcast/deployed.json, rewritten with this delivery current (the time filled in at the end). */
  deployedStateFile: string;
  host: string;
  delivery: Omit<DeployedDelivery, 'at'>;
}

export interface CleanupStep extends StepBase<'cleanup'> {
  toolbox: string;
  /** Run only when the namespace is still open; ending it drops every mount anyway. */
  unmount: PlannedCommand;
}

/** The closed set of steps; the kind is the protocol phase each one reports as. */
export type Step = PreflightStep | RamCopyStep | MountStep | SyncImageStep | OverridesStep | IdentityStep | BootloaderStep | EnrollStep | CleanupStep;

export type StepOf<K extends Step['kind']> = Extract<Step, { kind: K }>;

/** A table with one entry per step kind: adding a kind does not compile until every table has it. */
export type StepTable<R> = { [K in Step['kind']]: (step: StepOf<K>) => R };

/** Every command of a step, in the order it runs them (the dry-run prints them, the tests compare them with what ran). */
export const stepCommands: StepTable<PlannedCommand[]> = {
  preflight: (step) => [step.probe],
  'ram-copy': (step) => [step.namespace, step.mountTmpfs, step.copy],
  mount: (step) => step.commands,
  'sync-image': (step) => {
    const torrent = torrentCommandsInOrder(step.transport);
    return [...torrent.before, step.pull, ...torrent.after];
  },
  overrides: (step) => ('pull' in step ? [step.pull] : []),
  identity: (step) => [...step.targetMounts, step.hostKeys.command],
  bootloader: (step) => ('commands' in step ? step.commands : []),
  enroll: () => [],
  cleanup: (step) => [step.unmount],
};

export const commandsOfStep = <K extends Step['kind']>(step: StepOf<K>): PlannedCommand[] =>
  (stepCommands[step.kind] as (step: StepOf<K>) => PlannedCommand[])(step);

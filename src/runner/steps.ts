import type { RunnerPhase } from '../protocol/deploy-protocol.js';
import type { ErrorCode } from '../errors/codes.js';
import type { SyncTransport } from './torrent-plan.js';

/** A local precondition, evaluated by the planner from the facts (so --dry-run shows it). */
export interface PreflightCheck {
  name: 'target-mounted' | 'memory' | 'server' | 'payload-space';
  ok: boolean;
  detail: string;
  /** The error raised when the check failed. */
  failure?: { code: ErrorCode; message: string; hint: string };
}

/** One bind mount inside the toolbox; `recursive` for /proc, /sys, /dev (their submounts come along). */
export interface ToolboxMount {
  source: string;
  /** Absolute path inside the RAM toolbox's tree (host view). */
  target: string;
  recursive: boolean;
}

interface StepBase<K extends RunnerPhase> {
  kind: K;
}

export interface PreflightStep extends StepBase<'preflight'> {
  checks: PreflightCheck[];
  /** The image module listed over rsync: proves the daemon, the token and the image version. */
  probe: { source: string; what: string };
}

export interface RamCopyStep extends StepBase<'ram-copy'> {
  source: string;
  toolbox: string;
  tmpfsBytes: number;
  excludes: string[];
}

export interface MountStep extends StepBase<'mount'> {
  mounts: ToolboxMount[];
}

export interface SyncImageStep extends StepBase<'sync-image'> {
  toolbox: string;
  /** rsync:// URL with user and resolved address. */
  source: string;
  what: string;
  /** Path of the target as seen from inside the chroot. */
  destination: string;
  protect: string[];
  ioTimeoutSeconds: number;
  bwlimitKiB?: number;
  /** BitTorrent first, then this rsync pass as the exact finish (docs/fanout.md); absent means rsync alone. */
  transport?: SyncTransport;
}

/** The override and identity phases belong to the next issue; until then they are reported as skipped. */
export interface HookStep<K extends 'overrides' | 'identity'> extends StepBase<K> {
  reason: string;
}

/** Trades the install token for the host credential and leaves it on the target for later updates. */
export interface EnrollStep extends StepBase<'enroll'> {
  /** The server the credential belongs to (written beside it). */
  server: string;
  /** Host-view paths on the target. */
  credentialFile: string;
  clientFile: string;
}

export interface CleanupStep extends StepBase<'cleanup'> {
  toolbox: string;
}

/** The closed set of steps; the kind is the protocol phase each one reports as. */
export type Step = PreflightStep | RamCopyStep | MountStep | SyncImageStep | HookStep<'overrides'> | HookStep<'identity'> | EnrollStep | CleanupStep;

export type StepOf<K extends Step['kind']> = Extract<Step, { kind: K }>;

/** A table with one entry per step kind: adding a kind does not compile until every table has it. */
export type StepTable<R> = { [K in Step['kind']]: (step: StepOf<K>) => R };

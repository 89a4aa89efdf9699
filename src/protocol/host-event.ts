import type { RunnerEventStatus, RunnerPhase } from './deploy-protocol.js';

/**
 * The one event schema every report about a host's install or update follows, whoever sends it: serve
 * itself (`answer-file-served`), the installer (`installer-started`, from the kickstart's %pre / the
 * preseed's early_command; `failed` from the kickstart's %onerror), the bootstrap stub (`failed`), the
 * runner (`runner-started`, `phase`), and the installed system's first boot (`booted`). Posted as JSON
 * to POST /api/v1/hosts/:host/events; a change here is a protocol change (docs/monitor.md).
 *
 * Version 2 added the `failed` kind; every version-1 event is a valid version-2 event, so serve keeps
 * accepting version 1 (answer files already handed out, first-boot units on hosts installed before).
 */
export const hostEventSchemaVersion = 2;

/** Versions serve accepts: older senders keep working; a newer one is refused with what this serve speaks. */
export const acceptedHostEventVersions = [1, 2] as const;
export type HostEventVersion = (typeof acceptedHostEventVersions)[number];

/** Every kind of event; a new kind does not compile until the reducer, the printers and the schema have it. */
export const hostEventKinds = ['answer-file-served', 'installer-started', 'runner-started', 'phase', 'failed', 'booted'] as const;
export type HostEventKind = (typeof hostEventKinds)[number];

/** The schema version that introduced each kind: an older `v` with a newer kind is refused. */
export const hostEventKindSince: { readonly [K in HostEventKind]: HostEventVersion } = {
  'answer-file-served': 1,
  'installer-started': 1,
  'runner-started': 1,
  phase: 1,
  failed: 2,
  booted: 1,
};

/** Who reports a `failed` event outside the runner's phases: the installer itself, or the bootstrap stub that fetches the runner. */
export const failureStages = ['installer', 'bootstrap'] as const;
export type FailureStage = (typeof failureStages)[number];

/** What a runner run delivers: an install (kickstart/preseed), or the later update and push paths. */
export const deliveryVias = ['install', 'update', 'push'] as const;
export type DeliveryVia = (typeof deliveryVias)[number];

interface EventBase<K extends HostEventKind> {
  /** The schema version the sender speaks (1 or 2; `failed` needs 2). */
  v: HostEventVersion;
  kind: K;
  /** Chosen by the sender, unique per event; a retried post with the same id is stored once. */
  id: string;
  host: string;
  /** ISO-8601 time with offset, on the sender's clock (serve orders and times by its own `receivedAt`). */
  at: string;
  /** The runner invocation that sent it (8-32 hex digits): tells two runs' events apart. */
  run?: string;
}

/** serve handed out an answer file (recorded by serve itself; never accepted over HTTP). */
export interface AnswerFileServedEvent extends EventBase<'answer-file-served'> {
  answer: 'kickstart' | 'preseed';
  /** The address the answer file went to. */
  client: string;
  /** The install token generation it carries. */
  generation: number;
}

/** The installer read the answer file and runs (kickstart %pre, preseed early_command). */
export interface InstallerStartedEvent extends EventBase<'installer-started'> {
  installer?: 'anaconda' | 'debian-installer';
}

/** The runner has its instructions and starts its plan. */
export interface RunnerStartedEvent extends EventBase<'runner-started'> {
  /** @default "install" */
  via?: DeliveryVia;
  message?: string;
}

/**
 * One step of the runner's plan: started, progress (sync: percent, bytes, rate at least every 2 s),
 * and how it ended. `phase: done, status: succeeded` ends a successful run; `status: failed` carries
 * the reason in `message` and the last log lines in `log`.
 */
export interface PhaseEvent extends EventBase<'phase'> {
  phase: RunnerPhase;
  status: RunnerEventStatus;
  percent?: number;
  bytes?: number;
  /** Bytes per second. */
  rate?: number;
  message?: string;
  /** The last lines of the runner's log before a failure (failed only). */
  log?: string[];
  /** An update's `done`: files changed, bytes transferred, and whether a kernel or /boot changed (reboot needed). */
  result?: { files: number; bytes: number; rebootNeeded: boolean };
  /** A `sync-image` `succeeded`: how the image travelled and where its bytes came from (docs/fanout.md). */
  transfer?: ImageTransfer;
}

/** `serverBytes`: the web seed's share plus what the rsync pass moved; `peerBytes`: what other hosts sent (torrent only). */
export interface ImageTransfer {
  transport: 'rsync' | 'torrent';
  serverBytes: number;
  peerBytes: number;
}

/**
 * The install failed before (or around) the runner: the installer aborted (the kickstart's %onerror) or
 * the bootstrap stub could not fetch or start the runner, or the runner exited non-zero. The runner's own
 * failures are `phase` events with `status: failed`.
 */
export interface FailedEvent extends EventBase<'failed'> {
  stage: FailureStage;
  /** Why, in one line. */
  message: string;
  /** The last lines of the log that tells more (the bootstrap's output, the installer's log). */
  log?: string[];
  /** The exit status of what failed, when it has one. */
  exitCode?: number;
}

/** The installed system came up (its first-boot unit, with the host credential). */
export interface BootedEvent extends EventBase<'booted'> {
  message?: string;
}

export type HostEvent = AnswerFileServedEvent | InstallerStartedEvent | RunnerStartedEvent | PhaseEvent | FailedEvent | BootedEvent;
export type HostEventOf<K extends HostEventKind> = Extract<HostEvent, { kind: K }>;

/** What the runner posts. */
export type RunnerEvent = RunnerStartedEvent | PhaseEvent;

/** Limits the schema enforces (and senders truncate to). */
export const hostEventLimits = {
  messageChars: 4096,
  logLines: 50,
  logLineChars: 512,
  /** A POST body larger than this is refused with 413. */
  bodyBytes: 65_536,
} as const;

/**
 * An event as serve stores it: what was sent, plus serve's own facts — the per-host sequence number
 * (the order events were stored in), the install it belongs to, when and from where it arrived.
 */
export type StoredEvent = HostEvent & {
  seq: number;
  install: number;
  /** serve's clock. */
  receivedAt: string;
  /** The client address the event came from. */
  from?: string;
  /** The image version serve handed out for this run (runner-started only). */
  ref?: string;
};

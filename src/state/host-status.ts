import { z } from 'zod';
import { runnerPhases } from '../protocol/deploy-protocol.js';
import { deliveryVias } from '../protocol/host-event.js';

/** Where a host stands, as its events tell it; `new` means nothing was ever recorded. */
export const hostStates = ['new', 'waiting', 'installing', 'updating', 'done', 'booted', 'failed'] as const;
export type HostState = (typeof hostStates)[number];

/** The bars of a timeline: the installer's run, each runner phase, and the reboot into the new system. */
export const timelinePhases = ['installer', ...runnerPhases.filter((phase) => phase !== 'done'), 'reboot'] as const;
export type TimelinePhase = (typeof timelinePhases)[number];

const spanSchema = z
  .object({
    phase: z.enum(timelinePhases),
    /** serve's clock. */
    start: z.string(),
    end: z.string().optional(),
    result: z.enum(['running', 'succeeded', 'skipped', 'failed']),
  })
  .strict();
export type PhaseSpan = z.infer<typeof spanSchema>;

const installSchema = z
  .object({
    /** Numbers count up per host; the install's events are in events/<install>.jsonl. */
    install: z.number().int().positive(),
    via: z.enum(deliveryVias),
    run: z.string().optional(),
    /** The image version serve handed out (`web@3`). */
    ref: z.string().optional(),
    state: z.enum(hostStates),
    startedAt: z.string(),
    endedAt: z.string().optional(),
    /** serve's clock at the last event of this install. */
    lastEventAt: z.string(),
    /** What runs now (or ran last): `answer-file`, `installer`, `runner`, a runner phase, `reboot`. */
    phase: z.string().optional(),
    percent: z.number().optional(),
    bytes: z.number().optional(),
    rate: z.number().optional(),
    message: z.string().optional(),
    failure: z.object({ phase: z.string(), reason: z.string(), log: z.array(z.string()), at: z.string() }).strict().optional(),
    answer: z.object({ kind: z.enum(['kickstart', 'preseed']), client: z.string(), generation: z.number() }).strict().optional(),
    spans: z.array(spanSchema),
    /** Its event log was removed to keep the host under its byte cap; the summary stays. */
    logRemoved: z.boolean().optional(),
  })
  .strict();
export type InstallSummary = z.infer<typeof installSchema>;

export const hostStatusSchema = z
  .object({
    formatVersion: z.literal(1),
    host: z.string(),
    /** The sequence number of the last stored event. */
    seq: z.number().int().nonnegative(),
    /** Bytes of the newest install's log this status includes (a reader replays what follows). */
    logBytes: z.number().int().nonnegative(),
    /** Newest first; the first is the current (or last) install. */
    installs: z.array(installSchema),
    /** How many installs the writer keeps (readers replaying the log keep as many). */
    keepInstalls: z.number().int().positive().optional(),
    /** Ids of the newest events, for telling a retried post from a new one. */
    recentIds: z.array(z.string()),
  })
  .strict();
export type HostStatus = z.infer<typeof hostStatusSchema>;

export const emptyHostStatus = (host: string): HostStatus => ({ formatVersion: 1, host, seq: 0, logBytes: 0, installs: [], recentIds: [] });

/** The install events go to now, if any. */
export const currentInstall = (status: HostStatus): InstallSummary | undefined => status.installs[0];

/** The host's state: that of its current install, `new` without one. */
export const hostStateOf = (status: HostStatus): HostState => currentInstall(status)?.state ?? 'new';

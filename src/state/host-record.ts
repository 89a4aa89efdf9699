import { z } from 'zod';

/** An image version as a host runs it. */
const versionSchema = z.object({ image: z.string(), version: z.number().int().positive(), ref: z.string() }).strict();
export type DeployedVersion = z.infer<typeof versionSchema>;

/**
 * The host's override layers as deployed with a version: each layer's digest and the tree's, so drift can
 * later be told apart from an override change (docs/overrides.md, Digests).
 */
const overridesSchema = z
  .object({ layers: z.array(z.object({ layer: z.string(), digest: z.string() }).strict()), treeDigest: z.string() })
  .strict();
export type DeployedOverrides = z.infer<typeof overridesSchema>;

/** How a version reached a host: an install, `rootcast update` on the host, or `rootcast push` from the server. */
export const deliveryKinds = ['install', 'update', 'push'] as const;
export type DeliveryKind = (typeof deliveryKinds)[number];

export const hostRecordSchema = z
  .object({
    formatVersion: z.literal(1),
    host: z.string(),
    /** Handed out by serve and not finished yet; protected from removal like a deployed version. */
    deploying: versionSchema
      .extend({ via: z.enum(deliveryKinds), generation: z.number().int().positive(), since: z.string(), overrides: overridesSchema.optional() })
      .strict()
      .optional(),
    /** What the host runs, as proven by its runner's `done` event. */
    deployed: versionSchema.extend({ via: z.enum(deliveryKinds), at: z.string(), overrides: overridesSchema.optional() }).strict().optional(),
    /** Versions the host ran before, newest first: rollback targets. */
    previous: z.array(versionSchema.extend({ until: z.string() }).strict()),
    /** The last attempt that ended, successful or not. */
    last: z
      .object({
        via: z.enum(deliveryKinds),
        ref: z.string(),
        result: z.enum(['succeeded', 'failed']),
        at: z.string(),
        message: z.string().optional(),
        /** The version the host ran before this delivery (updates and push). */
        from: z.string().optional(),
        /** What an update changed, as its runner reported it. */
        files: z.number().int().nonnegative().optional(),
        bytes: z.number().int().nonnegative().optional(),
        /** A kernel or /boot changed: the host runs the old kernel until it reboots. */
        rebootNeeded: z.boolean().optional(),
      })
      .strict()
      .optional(),
    /** The install generation whose runner reported done: its token is spent. */
    completedGeneration: z.number().int().positive().optional(),
    /** The host credential in force (the generation of the install that enrolled it). */
    credentialGeneration: z.number().int().positive().optional(),
  })
  .strict();

export type HostRecord = z.infer<typeof hostRecordSchema>;

/** Rollback targets kept per host. */
export const maxPreviousVersions = 5;

export const emptyHostRecord = (host: string): HostRecord => ({ formatVersion: 1, host, previous: [] });

/**
 * serve handed out instructions for `version` (with its override layers, if any) to the holder of generation `generation`:
 * an install token's for an install, the host credential's for an update or a push.
 */
export const recordDeployStarting = (record: HostRecord, version: DeployedVersion, generation: number, now: Date, overrides?: DeployedOverrides, via: DeliveryKind = 'install'): HostRecord => ({
  ...record,
  deploying: { ...version, via, generation, since: now.toISOString(), ...(overrides === undefined ? {} : { overrides }) },
});

/** What an update's runner reports with its `done` event. */
export interface DeliveryOutcome {
  files: number;
  bytes: number;
  rebootNeeded: boolean;
}

/** The runner of `generation` received the host credential of the same generation (earlier credentials stop working). */
export const recordEnrolled = (record: HostRecord, generation: number): HostRecord => ({ ...record, credentialGeneration: generation });

/**
 * The runner of `generation` reported done: what it was deploying is now deployed. An install's token is
 * spent with it; an update or push (`host` credential) leaves the install generations alone.
 */
export const recordDone = (record: HostRecord, generation: number, now: Date, credential: 'install' | 'host' = 'install', outcome?: DeliveryOutcome): HostRecord => {
  const at = now.toISOString();
  const { deploying, ...rest } = record;
  const spent = credential === 'install' ? { completedGeneration: generation } : {};
  const matches = deploying !== undefined && deploying.generation === generation && (deploying.via === 'install') === (credential === 'install');
  if (!matches) return { ...rest, ...(deploying === undefined ? {} : { deploying }), ...spent };
  const { via, generation: _generation, since: _since, ...version } = deploying;
  const from = record.deployed?.ref;
  const replaced = record.deployed === undefined || record.deployed.ref === version.ref ? [] : [{ image: record.deployed.image, version: record.deployed.version, ref: record.deployed.ref, until: at }];
  return {
    ...rest,
    deployed: { ...version, via, at },
    previous: [...replaced, ...record.previous.filter((old) => old.ref !== version.ref)].slice(0, maxPreviousVersions),
    last: { via, ref: version.ref, result: 'succeeded', at, ...(via === 'install' || from === undefined ? {} : { from }), ...(outcome ?? {}) },
    ...spent,
  };
};

/** A runner reported a failed phase; the version stays "deploying" (and protected) until a retry ends it. */
export const recordFailed = (record: HostRecord, message: string, now: Date): HostRecord =>
  record.deploying === undefined
    ? record
    : { ...record, last: { via: record.deploying.via, ref: record.deploying.ref, result: 'failed', at: now.toISOString(), message } };

/** The bootstrap or installer saw the install fail: recorded unless the runner already said why, for this delivery. */
export const recordFailedOutsideRunner = (record: HostRecord, message: string, now: Date): HostRecord =>
  record.deploying !== undefined && record.last?.result === 'failed' && record.last.ref === record.deploying.ref && record.last.at >= record.deploying.since
    ? record
    : recordFailed(record, message, now);

/** Why a host holds a version in the store: it runs it, is being given it, or returns to it on rollback. */
export const holdRoles = ['deployed', 'deploying', 'rollback'] as const;
export type HoldRole = (typeof holdRoles)[number];

/** A version a host holds, and why. */
export interface HeldVersion extends DeployedVersion {
  role: HoldRole;
}

const held = ({ image, version, ref }: DeployedVersion, role: HoldRole): HeldVersion => ({ image, version, ref, role });

/**
 * Every version the host needs kept in the store: what it runs, what it is getting, and what
 * `rootcast update --rollback` returns it to (the newest previous version; older ones may be pruned).
 */
export const versionsHeldBy = (record: HostRecord): HeldVersion[] => [
  ...(record.deployed === undefined ? [] : [held(record.deployed, 'deployed')]),
  ...(record.deploying === undefined ? [] : [held(record.deploying, 'deploying')]),
  ...record.previous.slice(0, 1).map((previous) => held(previous, 'rollback')),
];

import { z } from 'zod';
import { runnerEventStatuses, runnerPhases } from './deploy-protocol.js';
import { acceptedHostEventVersions, deliveryVias, failureStages, hostEventKindSince, hostEventLimits, type HostEvent, type HostEventKind } from './host-event.js';

// JSON.parse turns 1e400 into Infinity, which JSON.stringify would store as null: only finite numbers pass.
const finite = () => z.number().finite();
const message = z.string().max(hostEventLimits.messageChars);
const logLines = z.array(z.string().max(hostEventLimits.logLineChars)).max(hostEventLimits.logLines);

const base = {
  v: z.union([z.literal(acceptedHostEventVersions[0]), z.literal(acceptedHostEventVersions[1])]),
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{7,63}$/, 'must be 8-64 letters, digits, ".", "_", ":" or "-"'),
  host: z.string(),
  at: z.string().datetime({ offset: true }),
  run: z.string().regex(/^[0-9a-f]{8,32}$/, 'must be 8-32 lowercase hex digits').optional(),
};

const schemas = {
  'answer-file-served': z.object({ ...base, kind: z.literal('answer-file-served'), answer: z.enum(['kickstart', 'preseed']), client: z.string().max(64), generation: finite().int().positive() }).strict(),
  'installer-started': z.object({ ...base, kind: z.literal('installer-started'), installer: z.enum(['anaconda', 'debian-installer']).optional() }).strict(),
  'runner-started': z.object({ ...base, kind: z.literal('runner-started'), via: z.enum(deliveryVias).optional(), message: message.optional() }).strict(),
  phase: z
    .object({
      ...base,
      kind: z.literal('phase'),
      phase: z.enum(runnerPhases),
      status: z.enum(runnerEventStatuses),
      percent: finite().min(0).max(100).optional(),
      bytes: finite().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
      rate: finite().nonnegative().max(1e15).optional(),
      message: message.optional(),
      log: logLines.optional(),
      result: z
        .object({ files: finite().int().nonnegative().max(Number.MAX_SAFE_INTEGER), bytes: finite().int().nonnegative().max(Number.MAX_SAFE_INTEGER), rebootNeeded: z.boolean() })
        .strict()
        .optional(),
      transfer: z
        .object({ transport: z.enum(['rsync', 'torrent']), serverBytes: finite().int().nonnegative().max(Number.MAX_SAFE_INTEGER), peerBytes: finite().int().nonnegative().max(Number.MAX_SAFE_INTEGER) })
        .strict()
        .optional(),
    })
    .strict(),
  failed: z
    .object({ ...base, kind: z.literal('failed'), stage: z.enum(failureStages), message: message.min(1), log: logLines.optional(), exitCode: finite().int().min(0).max(255).optional() })
    .strict(),
  booted: z.object({ ...base, kind: z.literal('booted'), message: message.optional() }).strict(),
} satisfies { [K in HostEventKind]: z.ZodType };

const hostEventSchema = z.discriminatedUnion('kind', [
  schemas['answer-file-served'],
  schemas['installer-started'],
  schemas['runner-started'],
  schemas.phase,
  schemas.failed,
  schemas.booted,
]);

const spoken = acceptedHostEventVersions.join(' and ');

export type HostEventParse = { ok: true; event: HostEvent } | { ok: false; problems: string[] };

/** Parses a POSTed body into an event (version 1 or 2) for `host`, listing every problem at once (pure). */
export const parseHostEvent = (body: string, host: string): HostEventParse => {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    return { ok: false, problems: [`the body is not JSON: ${(error as Error).message}`] };
  }
  if (typeof value === 'object' && value !== null && 'v' in value && !(acceptedHostEventVersions as readonly unknown[]).includes(value.v)) {
    return { ok: false, problems: [`v: schema version ${JSON.stringify(value.v)} is not supported; this server speaks versions ${spoken}`] };
  }
  const parsed = hostEventSchema.safeParse(value);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`) };
  }
  const since = hostEventKindSince[parsed.data.kind];
  if (parsed.data.v < since) return { ok: false, problems: [`kind: "${parsed.data.kind}" events need schema version ${since} or later (this one says v ${parsed.data.v})`] };
  if (parsed.data.host !== host) return { ok: false, problems: [`host: "${parsed.data.host}" does not match the URL's host "${host}"`] };
  return { ok: true, event: parsed.data as HostEvent };
};

/**
 * Events are `application/json` exactly (a `charset=utf-8` parameter is fine): `application/json-evil`
 * or a missing header is refused. Returns the problem, or undefined when the type is right.
 */
export const eventContentTypeProblem = (header: string | undefined): string | undefined => {
  if (header === undefined) return 'events are JSON: send "Content-Type: application/json"';
  const [type = '', ...parameters] = header.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json') return `events are JSON: send "Content-Type: application/json", not "${header}"`;
  const unexpected = parameters.filter((parameter) => parameter !== 'charset=utf-8' && parameter !== 'charset="utf-8"');
  return unexpected.length === 0 ? undefined : `events are UTF-8 JSON: "${unexpected.join('; ')}" is not accepted`;
};

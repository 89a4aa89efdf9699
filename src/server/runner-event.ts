import { z } from 'zod';
import { runnerPhases, type RunnerEvent } from '../protocol/deploy-protocol.js';

const runnerEventSchema = z
  .object({
    host: z.string(),
    run: z.string().regex(/^[0-9a-f]{8,32}$/, 'must be 8-32 lowercase hex digits').optional(),
    phase: z.enum(runnerPhases),
    status: z.enum(['started', 'progress', 'succeeded', 'failed', 'skipped']),
    at: z.string().datetime({ offset: true }),
    percent: z.number().min(0).max(100).optional(),
    bytes: z.number().int().nonnegative().optional(),
    rate: z.number().nonnegative().optional(),
    message: z.string().max(4096).optional(),
  })
  .strict();

export type EventParse = { ok: true; event: RunnerEvent } | { ok: false; problems: string[] };

/** Parses a POSTed body into a RunnerEvent for `host`, listing every problem at once. */
export const parseRunnerEvent = (body: string, host: string): EventParse => {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    return { ok: false, problems: [`the body is not JSON: ${(error as Error).message}`] };
  }
  const parsed = runnerEventSchema.safeParse(value);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`) };
  }
  if (parsed.data.host !== host) return { ok: false, problems: [`host: "${parsed.data.host}" does not match the URL's host "${host}"`] };
  return { ok: true, event: parsed.data as RunnerEvent };
};

import { z } from 'zod';

/**
 * One issued install generation. Issuing an answer file creates the next generation, which makes
 * every earlier one void; `host reinstall` creates a revocation, which voids them without a new token.
 */
export interface InstallGeneration {
  generation: number;
  kind: 'token' | 'revocation';
  issuedAt: string;
  /** When a token stops working even if its install never finished (tokens only). */
  expiresAt?: string;
  /** Who issued it: "serve to 10.0.0.7", "rootcast kickstart", "rootcast host reinstall". */
  issuedBy: string;
}

export const installGenerationSchema = z
  .object({
    generation: z.number().int().positive(),
    kind: z.enum(['token', 'revocation']),
    issuedAt: z.string(),
    expiresAt: z.string().optional(),
    issuedBy: z.string(),
  })
  .strict();

/** The next generation's record (pure). */
export const planInstallGeneration = (
  generation: number,
  kind: InstallGeneration['kind'],
  now: Date,
  lifetimeMs: number,
  issuedBy: string,
): InstallGeneration => ({
  generation,
  kind,
  issuedAt: now.toISOString(),
  ...(kind === 'token' ? { expiresAt: new Date(now.getTime() + lifetimeMs).toISOString() } : {}),
  issuedBy,
});

/** Why a presented install token of `generation` is not (or no longer) good, or undefined when it is. */
export const installTokenProblem = (
  generation: number,
  current: InstallGeneration | undefined,
  completedGeneration: number | undefined,
  now: Date,
): string | undefined => {
  if (current === undefined || generation > current.generation) return 'no answer file with that token was issued';
  if (generation < current.generation) {
    return current.kind === 'revocation'
      ? `it was revoked by "${current.issuedBy}" at ${current.issuedAt}`
      : `a newer answer file replaced it (issued ${current.issuedAt} by ${current.issuedBy})`;
  }
  if (current.kind === 'revocation') return 'it was revoked';
  if (completedGeneration !== undefined && completedGeneration >= generation) return 'its install already finished';
  if (current.expiresAt !== undefined && now.getTime() >= Date.parse(current.expiresAt)) return `it expired at ${current.expiresAt}`;
  return undefined;
};

/** How the host's newest install token stands, for `host show` (pure). */
export interface InstallTokenStatus {
  generation: number;
  state: 'usable' | 'spent' | 'expired' | 'revoked';
  issuedAt: string;
  issuedBy: string;
  expiresAt?: string;
}

export const describeInstallToken = (current: InstallGeneration | undefined, completedGeneration: number | undefined, now: Date): InstallTokenStatus | undefined => {
  if (current === undefined) return undefined;
  const problem = installTokenProblem(current.generation, current, completedGeneration, now);
  const state: InstallTokenStatus['state'] =
    current.kind === 'revocation' ? 'revoked' : problem === undefined ? 'usable' : problem.startsWith('its install') ? 'spent' : 'expired';
  return {
    generation: current.generation,
    state,
    issuedAt: current.issuedAt,
    issuedBy: current.issuedBy,
    ...(current.expiresAt === undefined ? {} : { expiresAt: current.expiresAt }),
  };
};

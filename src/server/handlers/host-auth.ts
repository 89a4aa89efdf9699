import { installTokenProblem } from '../../credentials/install-generation.js';
import { parseTokenClaim, verifyToken, type CredentialKind, type TokenClaim } from '../../credentials/token.js';
import { textReply, type Reply } from '../reply.js';
import type { HandlerContext } from './context.js';

export type HostAuth = { ok: true; claim: TokenClaim } | { ok: false; reply: Reply };

const describeKinds = (kinds: readonly CredentialKind[]): string =>
  kinds.map((kind) => (kind === 'install' ? 'install token' : 'host credential')).join(' or ');

const refuse = (reason: string): HostAuth => ({ ok: false, reply: textReply(403, reason) });

/**
 * Checks the bearer token's HMAC for `host` before anything about the host is read (so an
 * unauthenticated caller cannot probe which hosts exist), then the host's state: an install token
 * must be its newest, unexpired, unfinished one; a host credential the one its last install enrolled.
 */
export const authenticateHost = async (context: HandlerContext, host: string, accepted: readonly CredentialKind[]): Promise<HostAuth> => {
  const presented = /^Bearer ([^\s]+)$/i.exec(context.request.authorization ?? '')?.[1];
  if (presented === undefined) {
    return {
      ok: false,
      reply: textReply(401, `this needs host ${host}'s ${describeKinds(accepted)}: send "Authorization: Bearer <token>"`, { 'www-authenticate': 'Bearer realm="rootcast"' }),
    };
  }
  const claim = parseTokenClaim(presented);
  if (claim === undefined || !accepted.includes(claim.kind) || !verifyToken(context.secret, host, presented, claim)) {
    return refuse(`that is not host ${host}'s ${describeKinds(accepted)}`);
  }
  if (claim.kind === 'install') {
    const [current, record] = await Promise.all([context.hostState.currentGeneration(host), context.hostState.record(host)]);
    const problem = installTokenProblem(claim.generation, current, record.completedGeneration, context.now());
    if (problem !== undefined) {
      return refuse(`host ${host}'s install token (generation ${claim.generation}) no longer works: ${problem}; fetch a new answer file to install again`);
    }
  } else if ((await context.hostState.record(host)).credentialGeneration !== claim.generation) {
    return refuse(`host ${host}'s credential (generation ${claim.generation}) was replaced by a later install`);
  }
  return { ok: true, claim };
};

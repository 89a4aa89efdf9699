import { deriveToken, rsyncUserFor } from '../../credentials/token.js';
import type { HostEnrolment } from '../../protocol/deploy-protocol.js';
import { recordEnrolled } from '../../state/host-record.js';
import { jsonReply, textReply, type Reply } from '../reply.js';
import type { Route } from '../routes.js';
import { findHostByName } from '../serve-fleet.js';
import type { HandlerContext } from './context.js';
import { authenticateHost } from './host-auth.js';

/**
 * Trades a good install token for the host's long-term credential of the same generation: a retry
 * gets the same credential, and the credential of any earlier install stops working.
 */
export const enrollHost = async (route: Extract<Route, { kind: 'enroll' }>, context: HandlerContext): Promise<Reply> => {
  const auth = await authenticateHost(context, route.host, ['install']);
  if (!auth.ok) return auth.reply;
  if (findHostByName(context.fleet, route.host) === undefined) return textReply(404, `no host named "${route.host}" in the inventory`);
  await context.hostState.updateRecord(route.host, (record) => recordEnrolled(record, auth.claim.generation));
  await context.refreshRsyncSecrets();
  const enrolment: HostEnrolment = {
    host: route.host,
    credential: deriveToken(context.secret, 'host', route.host, auth.claim.generation),
    rsyncUser: rsyncUserFor('host', route.host),
  };
  return jsonReply(200, enrolment);
};

import type { TokenClaim } from '../../credentials/token.js';
import type { RunnerEvent } from '../../protocol/deploy-protocol.js';
import { recordDone, recordFailed, type HostRecord } from '../../state/host-record.js';
import { parseRunnerEvent } from '../runner-event.js';
import { jsonReply, textReply, type Reply } from '../reply.js';
import type { Route } from '../routes.js';
import { findHostByName } from '../serve-fleet.js';
import type { HandlerContext } from './context.js';
import { authenticateHost } from './host-auth.js';
import { switchToLocalBoot } from '../pxe-done-hook.js';

const unknownHost = (host: string): Reply => textReply(404, `no host named "${host}" in the inventory`);

/** What an accepted event proves about the host (pure); undefined when it changes nothing. */
const recordChange = (event: RunnerEvent, claim: TokenClaim, now: Date): ((record: HostRecord) => HostRecord) | undefined => {
  if (event.phase === 'done' && event.status === 'succeeded' && claim.kind === 'install') return (record) => recordDone(record, claim.generation, now);
  if (event.status === 'failed') return (record) => recordFailed(record, `${event.phase}: ${event.message ?? 'failed'}`, now);
  return undefined;
};

export const postEvent = async (route: Extract<Route, { kind: 'post-event' }>, context: HandlerContext): Promise<Reply> => {
  const auth = await authenticateHost(context, route.host, ['install', 'host']);
  if (!auth.ok) return auth.reply;
  if (findHostByName(context.fleet, route.host) === undefined) return unknownHost(route.host);
  if (!/^application\/json\b/i.test(context.request.contentType ?? '')) {
    return textReply(415, 'events are JSON: send "Content-Type: application/json"');
  }
  const parsed = parseRunnerEvent(context.request.body, route.host);
  if (!parsed.ok) return textReply(400, ['the event is not valid:', ...parsed.problems.map((problem) => `  ${problem}`)].join('\n'));
  await context.events.append(route.host, { ...parsed.event, receivedAt: context.now().toISOString() });
  const change = recordChange(parsed.event, auth.claim, context.now());
  if (change !== undefined) {
    await context.hostState.updateRecord(route.host, change);
    // A finished install's token must stop opening the rsync daemon as well.
    await context.refreshRsyncSecrets();
    if (context.pxe !== undefined && parsed.event.phase === 'done' && parsed.event.status === 'succeeded' && auth.claim.kind === 'install') {
      await switchToLocalBoot(context.pxe, route.host, context.log);
    }
  }
  return jsonReply(201, { stored: true });
};

export const listEvents = async (route: Extract<Route, { kind: 'list-events' }>, context: HandlerContext): Promise<Reply> => {
  const auth = await authenticateHost(context, route.host, ['install', 'host']);
  if (!auth.ok) return auth.reply;
  if (findHostByName(context.fleet, route.host) === undefined) return unknownHost(route.host);
  return jsonReply(200, await context.events.list(route.host));
};

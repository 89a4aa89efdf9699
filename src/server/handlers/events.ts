import type { TokenClaim } from '../../credentials/token.js';
import { eventContentTypeProblem, parseHostEvent } from '../../protocol/host-event-schema.js';
import type { HostEvent } from '../../protocol/host-event.js';
import type { EventFacts } from '../../state/event-store.js';
import { readEventPage } from '../../state/event-read.js';
import { recordDone, recordFailed, recordFailedOutsideRunner, type HostRecord } from '../../state/host-record.js';
import { jsonReply, textReply, type Reply } from '../reply.js';
import type { Route } from '../routes.js';
import { findHostByName } from '../serve-fleet.js';
import type { HandlerContext } from './context.js';
import { authenticateHost } from './host-auth.js';
import { switchToLocalBoot } from '../pxe-done-hook.js';

const unknownHost = (host: string): Reply => textReply(404, `no host named "${host}" in the inventory`);

export const clientAddressOf = (context: HandlerContext): string => context.request.remoteAddress?.replace(/^::ffff:/i, '') ?? 'unknown';

/** What an accepted event proves about the host (pure); undefined when it changes nothing. */
const recordChange = (event: HostEvent, claim: TokenClaim, now: Date): ((record: HostRecord) => HostRecord) | undefined => {
  if (event.kind === 'failed') return (record) => recordFailedOutsideRunner(record, `${event.stage}: ${event.message}`, now);
  if (event.kind !== 'phase') return undefined;
  if (event.phase === 'done' && event.status === 'succeeded') return (record) => recordDone(record, claim.generation, now, claim.kind, event.result);
  if (event.status === 'failed') return (record) => recordFailed(record, `${event.phase}: ${event.message ?? 'failed'}`, now);
  return undefined;
};

/** serve's own facts about an event: the sender's address, and for a runner that starts, the version it was handed. */
const factsFor = async (context: HandlerContext, host: string, event: HostEvent, claim: TokenClaim): Promise<EventFacts> => {
  const from = clientAddressOf(context);
  if (event.kind !== 'runner-started') return { from };
  const deploying = (await context.hostState.record(host)).deploying;
  const same = deploying !== undefined && deploying.generation === claim.generation && (deploying.via === 'install') === (claim.kind === 'install');
  return same ? { from, ref: deploying.ref } : { from };
};

export const postEvent = async (route: Extract<Route, { kind: 'post-event' }>, context: HandlerContext): Promise<Reply> => {
  const auth = await authenticateHost(context, route.host, ['install', 'host']);
  if (!auth.ok) return auth.reply;
  if (findHostByName(context.fleet, route.host) === undefined) return unknownHost(route.host);
  const typeProblem = eventContentTypeProblem(context.request.contentType);
  if (typeProblem !== undefined) return textReply(415, typeProblem);
  const parsed = parseHostEvent(context.request.body, route.host);
  if (!parsed.ok) return textReply(400, ['the event is not valid:', ...parsed.problems.map((problem) => `  ${problem}`)].join('\n'));
  if (parsed.event.kind === 'answer-file-served') return textReply(400, 'the event is not valid:\n  kind: answer-file-served is recorded by serve itself');
  const outcome = await context.events.append(route.host, parsed.event, await factsFor(context, route.host, parsed.event, auth.claim));
  if (outcome.kind === 'full') {
    return textReply(507, `host ${route.host}'s event log for this install is full (${outcome.limitBytes} bytes); progress is still shown, other events are refused until its next install`);
  }
  if (outcome.kind === 'duplicate') return jsonReply(200, { stored: false, duplicate: true });
  if (outcome.kind === 'thinned') return jsonReply(202, { stored: false, thinned: true, seq: outcome.event.seq });
  const change = recordChange(parsed.event, auth.claim, context.now());
  if (change !== undefined) {
    await context.hostState.updateRecord(route.host, change);
    // A finished install's token must stop opening the rsync daemon as well.
    await context.refreshRsyncSecrets();
    if (context.pxe !== undefined && parsed.event.kind === 'phase' && parsed.event.phase === 'done' && parsed.event.status === 'succeeded' && auth.claim.kind === 'install') {
      await switchToLocalBoot(context.pxe, route.host, context.log);
    }
  }
  return jsonReply(201, { stored: true, seq: outcome.event.seq, install: outcome.event.install });
};

export const listEvents = async (route: Extract<Route, { kind: 'list-events' }>, context: HandlerContext): Promise<Reply> => {
  const auth = await authenticateHost(context, route.host, ['install', 'host']);
  if (!auth.ok) return auth.reply;
  if (findHostByName(context.fleet, route.host) === undefined) return unknownHost(route.host);
  // Every event accepted so far is in the log: the store appends before it answers.
  return jsonReply(200, await readEventPage(context.paths, route.host, route.page));
};

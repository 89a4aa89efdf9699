import { parseRunnerEvent } from '../runner-event.js';
import { jsonReply, textReply, type Reply } from '../reply.js';
import type { Route } from '../routes.js';
import { findHostByName } from '../serve-fleet.js';
import { refuseWithoutHostToken } from './bearer-auth.js';
import type { HandlerContext } from './context.js';

const unknownHost = (host: string): Reply => textReply(404, `no host named "${host}" in the inventory`);

export const postEvent = async (route: Extract<Route, { kind: 'post-event' }>, context: HandlerContext): Promise<Reply> => {
  const refused = refuseWithoutHostToken(context, route.host);
  if (refused !== undefined) return refused;
  if (findHostByName(context.fleet, route.host) === undefined) return unknownHost(route.host);
  if (!/^application\/json\b/i.test(context.request.contentType ?? '')) {
    return textReply(415, 'events are JSON: send "Content-Type: application/json"');
  }
  const parsed = parseRunnerEvent(context.request.body, route.host);
  if (!parsed.ok) return textReply(400, ['the event is not valid:', ...parsed.problems.map((problem) => `  ${problem}`)].join('\n'));
  await context.events.append(route.host, { ...parsed.event, receivedAt: context.now().toISOString() });
  return jsonReply(201, { stored: true });
};

export const listEvents = async (route: Extract<Route, { kind: 'list-events' }>, context: HandlerContext): Promise<Reply> => {
  const refused = refuseWithoutHostToken(context, route.host);
  if (refused !== undefined) return refused;
  if (findHostByName(context.fleet, route.host) === undefined) return unknownHost(route.host);
  return jsonReply(200, await context.events.list(route.host));
};

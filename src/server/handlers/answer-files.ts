import { installTokenFor } from '../install-token.js';
import { textReply, type Reply } from '../reply.js';
import type { AnswerKind, Route } from '../routes.js';
import { findHostByMac, findHostByName } from '../serve-fleet.js';
import type { HandlerContext } from './context.js';

const render = async (context: HandlerContext, answer: AnswerKind, host: string): Promise<Reply> => {
  const text = await context.renderAnswerFile(answer, host, { installToken: installTokenFor(context.secret, host) });
  return textReply(200, text, { 'cache-control': 'no-store' });
};

export const answerByHost = async (route: Extract<Route, { kind: 'answer-by-host' }>, context: HandlerContext): Promise<Reply> => {
  if (findHostByName(context.fleet, route.host) === undefined) {
    return textReply(404, `no host named "${route.host}" in the inventory (add it with "rootcast host add", then reload serve with SIGHUP)`);
  }
  return render(context, route.answer, route.host);
};

export const answerByMac = async (route: Extract<Route, { kind: 'answer-by-mac' }>, context: HandlerContext): Promise<Reply> => {
  const host = findHostByMac(context.fleet, route.mac);
  if (host === undefined) {
    return textReply(404, `no host with MAC ${route.mac} in the inventory (set it with "rootcast host set HOST --mac ${route.mac}", then reload serve)`);
  }
  return render(context, route.answer, host.name);
};

import type { Reply } from '../reply.js';
import { jsonReply } from '../reply.js';
import type { Route } from '../routes.js';
import { answerByHost, answerByMac } from './answer-files.js';
import { bootFile } from './boot-files.js';
import type { HandlerContext } from './context.js';
import { dashboardEvents, dashboardFleet, dashboardHost, dashboardPage, dashboardScriptFile, dashboardStream } from './dashboard.js';
import { deployInstructions } from './deploy.js';
import { enrollHost } from './enroll.js';
import { updateInstructions } from './update.js';
import { listEvents, postEvent } from './events.js';
import { bootstrapScript, firstBootFile, nodeBinary, runnerBundle } from './runner-files.js';
import { announce, payloadFile } from './payload.js';

type Handlers = { [K in Route['kind']]: (route: Extract<Route, { kind: K }>, context: HandlerContext) => Promise<Reply> };

/**
 * Unauthenticated, so swarms are named by image@version, never by info hash: the info hash is all a stranger on
 * the network needs to open a BitTorrent connection to an installing host and take the payload from it.
 */
const health = async (_route: unknown, context: HandlerContext): Promise<Reply> => {
  const swarms = await Promise.all(context.tracker.stats().map(async ({ infoHash, ...counts }) => ({ payload: (await context.payloads.refOfInfoHash(infoHash)) ?? null, ...counts })));
  return jsonReply(200, { ok: true, rsyncConnections: context.rsyncConnections().length, hosts: context.fleet.hosts.length, swarms });
};

export const handlers: Handlers = {
  'answer-by-host': answerByHost,
  'answer-by-mac': answerByMac,
  bootstrap: bootstrapScript,
  'first-boot': firstBootFile,
  'runner-bundle': runnerBundle,
  'node-binary': nodeBinary,
  deploy: deployInstructions,
  update: updateInstructions,
  enroll: enrollHost,
  'post-event': postEvent,
  'list-events': listEvents,
  health,
  dashboard: dashboardPage,
  'dashboard-host': dashboardHost,
  'dashboard-script': dashboardScriptFile,
  'dashboard-fleet': dashboardFleet,
  'dashboard-stream': dashboardStream,
  'dashboard-events': dashboardEvents,
  'boot-file': bootFile,
  'payload-file': payloadFile,
  announce,
};

export const handleRoute = <K extends Route['kind']>(route: Extract<Route, { kind: K }>, context: HandlerContext): Promise<Reply> =>
  (handlers[route.kind] as (route: Route, context: HandlerContext) => Promise<Reply>)(route, context);

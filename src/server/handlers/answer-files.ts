import { randomBytes } from 'node:crypto';
import { unissuedInstallToken } from '../../credentials/token.js';
import { hostEventSchemaVersion } from '../../protocol/host-event.js';
import { addressInSubnets } from '../../inventory/ipv4.js';
import { textReply, type Reply } from '../reply.js';
import type { AnswerKind, Route } from '../routes.js';
import { findHostByMac, findHostByName } from '../serve-fleet.js';
import type { HandlerContext } from './context.js';

const clientAddress = (context: HandlerContext): string => context.request.remoteAddress?.replace(/^::ffff:/i, '') ?? 'unknown';

/** 403 unless the client is one answer files may go to (they carry install tokens). */
const refuseClient = (context: HandlerContext): Reply | undefined => {
  const clients = context.access.answerFileClients;
  if (clients.kind === 'any' || addressInSubnets(clientAddress(context), clients.subnets)) return undefined;
  const allowed = clients.subnets.map((subnet) => subnet.text).join(', ');
  return textReply(403, `answer files are served only to ${allowed} (from ${clients.from}); ${clientAddress(context)} is not among them: set server.answerFileClients in the inventory and reload serve`);
};

/** The install starts here: serve records it itself. A failure to record is logged; the installer still gets its file. */
const recordServed = async (context: HandlerContext, answer: AnswerKind, host: string, generation: number): Promise<void> => {
  const client = clientAddress(context);
  const event = { v: hostEventSchemaVersion, kind: 'answer-file-served', id: `serve-${randomBytes(8).toString('hex')}`, host, at: context.now().toISOString(), answer, client, generation } as const;
  await context.events.append(host, event, { from: client }).catch((error: unknown) => context.log(`could not record the answer file served to ${host}: ${(error as Error).message}`));
};

/**
 * Renders first with a placeholder, so a host whose answer file cannot render keeps its current
 * token; only then issues the next token (voiding the previous answer file) and renders for real.
 * HEAD issues nothing.
 */
const render = async (context: HandlerContext, answer: AnswerKind, host: string): Promise<Reply> => {
  const trial = await context.renderAnswerFile(answer, host, { installToken: unissuedInstallToken });
  if (context.request.method === 'HEAD') return textReply(200, trial, { 'cache-control': 'no-store' });
  const issued = await context.hostState.issueInstallToken(host, `serve to ${clientAddress(context)}`, context.access.installTokenLifetimeMs);
  const text = await context.renderAnswerFile(answer, host, { installToken: issued.token });
  await context.refreshRsyncSecrets();
  context.log(`answer file: ${answer} for ${host} served to ${clientAddress(context)} (install token generation ${issued.generation.generation}, valid until ${issued.generation.expiresAt ?? '-'})`);
  await recordServed(context, answer, host, issued.generation.generation);
  return textReply(200, text, { 'cache-control': 'no-store' });
};

// The client check comes first, so a refused client cannot even learn which hosts exist.
export const answerByHost = async (route: Extract<Route, { kind: 'answer-by-host' }>, context: HandlerContext): Promise<Reply> => {
  const refused = refuseClient(context);
  if (refused !== undefined) return refused;
  if (findHostByName(context.fleet, route.host) === undefined) {
    return textReply(404, `no host named "${route.host}" in the inventory (add it with "rootcast host add", then reload serve with SIGHUP)`);
  }
  return render(context, route.answer, route.host);
};

export const answerByMac = async (route: Extract<Route, { kind: 'answer-by-mac' }>, context: HandlerContext): Promise<Reply> => {
  const refused = refuseClient(context);
  if (refused !== undefined) return refused;
  const host = findHostByMac(context.fleet, route.mac);
  if (host === undefined) {
    return textReply(404, `no host with MAC ${route.mac} in the inventory (set it with "rootcast host set HOST --mac ${route.mac}", then reload serve)`);
  }
  return render(context, route.answer, host.name);
};

import { isInstallTokenFor } from '../install-token.js';
import { textReply, type Reply } from '../reply.js';
import type { HandlerContext } from './context.js';

/** undefined when the request carries `host`'s install token; otherwise the 401/403 to send. */
export const refuseWithoutHostToken = (context: HandlerContext, host: string): Reply | undefined => {
  const match = /^Bearer ([^\s]+)$/i.exec(context.request.authorization ?? '');
  if (match?.[1] === undefined) {
    return textReply(401, `this needs host ${host}'s install token: send "Authorization: Bearer <token>"`, {
      'www-authenticate': 'Bearer realm="rootcast"',
    });
  }
  if (!isInstallTokenFor(context.secret, host, match[1])) return textReply(403, `that is not host ${host}'s install token`);
  return undefined;
};

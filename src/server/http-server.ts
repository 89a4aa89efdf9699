import { randomBytes } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Transform } from 'node:stream';
import type { HandlerContext } from './handlers/context.js';
import { handleRoute } from './handlers/index.js';
import { hostEventLimits } from '../protocol/host-event.js';
import { hidePathsInErrorReply, replyForError, textReply, type Reply, type ServerPaths } from './reply.js';
import { matchRoute } from './routes.js';

/** The per-request facts a handler context is built from. */
export interface RequestFacts {
  method: string;
  /** The raw request target (path and query). */
  target: string;
  authorization: string | undefined;
  contentType: string | undefined;
  /** The `Host` header. */
  host: string | undefined;
  /** The `Range` header (payload downloads). */
  range: string | undefined;
  localAddress: string | undefined;
  remoteAddress: string | undefined;
  body: string;
}

export interface HttpServerOptions {
  contextFor: (request: RequestFacts) => HandlerContext;
  /** What error bodies must not name (they are shown relative to the home; the log keeps them whole). */
  paths: ServerPaths;
  log: (line: string) => void;
  now: () => Date;
  /** @default 65536 */
  maxBodyBytes?: number;
  /** Only these routes are answered (the tracker's own listener); others are 404. @default every route */
  only?: ReadonlySet<string>;
}

type BodyRead = { ok: true; text: string } | { ok: false };

const readBody = (request: IncomingMessage, limit: number): Promise<BodyRead> =>
  new Promise((resolve, reject) => {
    if (Number(request.headers['content-length'] ?? 0) > limit) {
      resolve({ ok: false });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners('data');
        resolve({ ok: false });
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve({ ok: true, text: Buffer.concat(chunks).toString('utf8') }));
    request.on('error', reject);
  });

/** Pipes a file's bytes (from byte `start`) to the response, awaiting `pace` before each chunk when given. */
const pipeFile = (stream: ReadStream, response: ServerResponse, start: number, pace: ((offset: number, length: number) => Promise<void>) | undefined): void => {
  if (pace === undefined) {
    stream.pipe(response);
    return;
  }
  let offset = start;
  const paced = new Transform({
    transform: (chunk: Buffer, _encoding, done) => {
      const at = offset;
      offset += chunk.length;
      pace(at, chunk.length).then(() => done(null, chunk), done);
    },
  });
  paced.on('error', () => response.destroy());
  // A client that hangs up must not leave the file open behind a paused pacer.
  response.on('close', () => {
    stream.destroy();
    paced.destroy();
  });
  stream.pipe(paced).pipe(response);
};

const sendReply = (request: IncomingMessage, response: ServerResponse, reply: Reply, requestId: string): void => {
  const headOnly = request.method === 'HEAD';
  if (reply.kind === 'body') {
    response.writeHead(reply.status, {
      ...reply.headers,
      'content-type': reply.contentType,
      'content-length': Buffer.byteLength(reply.body),
      'x-request-id': requestId,
    });
    response.end(headOnly ? undefined : reply.body);
    return;
  }
  if (reply.kind === 'stream') {
    response.writeHead(200, { 'content-type': reply.contentType, 'cache-control': 'no-store', 'x-request-id': requestId, 'x-accel-buffering': 'no' });
    if (headOnly) {
      response.end();
      return;
    }
    response.flushHeaders();
    const close = reply.open((text) => void response.write(text));
    response.on('close', close);
    return;
  }
  const range = reply.range;
  response.writeHead(range === undefined ? 200 : 206, {
    ...reply.headers,
    'content-type': reply.contentType,
    'content-length': range === undefined ? reply.size : range.end - range.start + 1,
    ...(range === undefined ? {} : { 'content-range': `bytes ${range.start}-${range.end}/${reply.size}` }),
    'x-request-id': requestId,
  });
  if (headOnly) {
    response.end();
    return;
  }
  const stream = createReadStream(reply.path, range ?? {});
  // Headers are already out: the only honest signal left is a cut connection.
  stream.on('error', () => response.destroy());
  pipeFile(stream, response, range?.start ?? 0, reply.pace);
};

/** The HTTP side of serve: route, handle, and always answer — a 500 names a request id, never a stack trace. */
export const createServeHttpServer = (options: HttpServerOptions): Server => {
  const maxBody = options.maxBodyBytes ?? hostEventLimits.bodyBytes;
  const answer = async (request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> => {
    const matched = matchRoute(request.method ?? 'GET', request.url ?? '/');
    const match: typeof matched = !matched.ok || options.only === undefined || options.only.has(matched.route.kind) ? matched : { ok: false, status: 404, reason: 'this port serves only the tracker' };
    if (!match.ok) {
      request.resume();
      sendReply(request, response, textReply(match.status, match.reason, match.allow === undefined ? undefined : { allow: match.allow }), requestId);
      return;
    }
    let body = '';
    if (match.route.kind === 'post-event') {
      const read = await readBody(request, maxBody);
      if (!read.ok) {
        response.setHeader('connection', 'close');
        sendReply(request, response, textReply(413, `the body is larger than ${maxBody} bytes`), requestId);
        return;
      }
      body = read.text;
    } else {
      request.resume();
    }
    const context = options.contextFor({
      method: request.method ?? 'GET',
      target: request.url ?? '/',
      authorization: request.headers.authorization,
      contentType: request.headers['content-type'],
      host: request.headers.host,
      range: request.headers.range,
      localAddress: request.socket.localAddress,
      remoteAddress: request.socket.remoteAddress,
      body,
    });
    let reply: Reply;
    try {
      reply = await handleRoute(match.route, context);
    } catch (error) {
      const known = replyForError(error);
      if (known === undefined) options.log(`request ${requestId} failed: ${(error as Error).stack ?? String(error)}`);
      reply = known ?? textReply(500, `internal error (request ${requestId}); the server log has the details`);
    }
    const shown = hidePathsInErrorReply(reply, options.paths);
    if (shown.full !== undefined) options.log(`request ${requestId}: ${shown.full.trimEnd().replaceAll('\n', ' | ')}`);
    sendReply(request, response, shown.reply, requestId);
  };

  return createServer((request, response) => {
    const requestId = randomBytes(4).toString('hex');
    const started = options.now().getTime();
    response.on('close', () => {
      const elapsed = options.now().getTime() - started;
      const remote = request.socket.remoteAddress ?? '-';
      options.log(`${options.now().toISOString()} ${requestId} ${remote} ${request.method} ${JSON.stringify(request.url)} ${response.statusCode} ${elapsed}ms`);
    });
    answer(request, response, requestId).catch((error: unknown) => {
      options.log(`request ${requestId} failed while answering: ${(error as Error).stack ?? String(error)}`);
      if (!response.headersSent) sendReply(request, response, textReply(500, `internal error (request ${requestId})`), requestId);
      else response.destroy();
    });
  });
};

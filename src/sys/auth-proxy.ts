import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream';

/** A local HTTP proxy that adds one credential to GET requests for a few paths of a few origins and counts what they sent. */
export interface AuthProxy {
  /** `http://127.0.0.1:PORT`, for aria2c's --http-proxy. */
  url: string;
  /** Body bytes received from the origin for paths `count` matched (the web seed's share of a payload). */
  countedBytes(): number;
  close(): Promise<void>;
}

export interface AuthProxyOptions {
  /** `http://10.0.0.1:8780`: the only origins forwarded to (anything else is 403). */
  origins: readonly string[];
  /** The only paths forwarded, and only with GET (anything else is 403): the credential opens nothing more. */
  paths: readonly string[];
  authorization: string;
  /** Which request paths' response bytes to count. */
  count: (path: string) => boolean;
}

/**
 * Starts the proxy on 127.0.0.1 (an ephemeral port). aria2c sends it absolute-form requests (`GET http://…`);
 * the credential travels only in this process and on the wire to serve, never in an argv or a file.
 */
export const startAuthProxy = async (options: AuthProxyOptions): Promise<AuthProxy> => {
  let counted = 0;
  const forward = (incoming: IncomingMessage, outgoing: ServerResponse): void => {
    let target: URL;
    try {
      target = new URL(incoming.url ?? '');
    } catch {
      outgoing.writeHead(400).end('absolute URLs only\n');
      return;
    }
    if (!options.origins.includes(target.origin) || target.protocol !== 'http:') {
      outgoing.writeHead(403).end(`this proxy only reaches ${options.origins.join(', ')}\n`);
      return;
    }
    if (incoming.method !== 'GET' || !options.paths.includes(target.pathname)) {
      outgoing.writeHead(403).end(`this proxy only forwards GET of ${options.paths.join(', ')}\n`);
      return;
    }
    const { ['proxy-connection']: _hop, ...passed } = incoming.headers as Record<string, string | string[] | undefined>;
    const headers = { ...passed, authorization: options.authorization, host: target.host };
    const upstream = httpRequest({ host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: incoming.method, headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      if (options.count(target.pathname)) answer.on('data', (chunk: Buffer) => (counted += chunk.length));
      pipeline(answer, outgoing, () => undefined);
    });
    upstream.on('error', () => {
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.destroy();
    });
    // aria2c drops a web seed request once peers delivered those pieces: stop reading from serve too.
    outgoing.on('close', () => upstream.destroy());
    pipeline(incoming, upstream, () => undefined);
  };
  const server = createServer(forward);
  server.on('connect', (_request, socket) => socket.end('HTTP/1.1 405 Method Not Allowed\r\n\r\n'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    countedBytes: () => counted,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};

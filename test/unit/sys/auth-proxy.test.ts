import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startAuthProxy, type AuthProxy } from '../../../src/sys/auth-proxy.js';

interface Seen {
  method: string;
  path: string;
  authorization: string | undefined;
}

/** Sends one absolute-form request through the proxy, as aria2c does. */
const viaProxy = (proxy: AuthProxy, method: string, url: string): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const { port } = new URL(proxy.url);
    const outgoing = request({ host: '127.0.0.1', port, method, path: url }, (answer) => {
      let body = '';
      answer.on('data', (chunk: Buffer) => (body += chunk.toString()));
      answer.on('end', () => resolve({ status: answer.statusCode ?? 0, body }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });

describe("the runner's token-adding proxy", () => {
  let origin: Server;
  let originUrl: string;
  let seen: Seen[];
  let proxy: AuthProxy;
  const torrent = '/api/v1/hosts/web07/payload/web@3.torrent';
  const seed = '/api/v1/hosts/web07/payload/web@3.tar.zst';
  const announce = '/api/v1/hosts/web07/announce';

  beforeEach(async () => {
    seen = [];
    origin = createServer((incoming, answer) => {
      seen.push({ method: incoming.method ?? '', path: incoming.url ?? '', authorization: incoming.headers.authorization });
      answer.end('payload bytes');
    });
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
    proxy = await startAuthProxy({ origins: [originUrl], paths: [torrent, seed, announce], authorization: 'Bearer tok', count: (path) => path.endsWith('.tar.zst') });
  });

  afterEach(async () => {
    await proxy.close();
    await new Promise<void>((resolve) => origin.close(() => resolve()));
  });

  test("forwards GET of the host's torrent, web seed and announce with the token, and counts the web seed's bytes", async () => {
    expect(await viaProxy(proxy, 'GET', `${originUrl}${seed}`)).toEqual({ status: 200, body: 'payload bytes' });
    expect((await viaProxy(proxy, 'GET', `${originUrl}${announce}?info_hash=%ab`)).status).toBe(200);
    expect((await viaProxy(proxy, 'GET', `${originUrl}${torrent}`)).status).toBe(200);
    expect(seen).toEqual([
      { method: 'GET', path: seed, authorization: 'Bearer tok' },
      { method: 'GET', path: `${announce}?info_hash=%ab`, authorization: 'Bearer tok' },
      { method: 'GET', path: torrent, authorization: 'Bearer tok' },
    ]);
    expect(proxy.countedBytes()).toBe('payload bytes'.length);
  });

  test('refuses other methods, other paths of the same server and other origins, and the origin never sees them', async () => {
    const refused = [
      await viaProxy(proxy, 'POST', `${originUrl}${announce}`),
      await viaProxy(proxy, 'DELETE', `${originUrl}${seed}`),
      await viaProxy(proxy, 'GET', `${originUrl}/api/v1/hosts/web07/deploy`),
      await viaProxy(proxy, 'GET', `${originUrl}/api/v1/hosts/web08/announce`),
      await viaProxy(proxy, 'GET', `http://127.0.0.2:1${seed}`),
    ];
    expect(refused.map((answer) => answer.status)).toEqual([403, 403, 403, 403, 403]);
    expect(refused[2]?.body).toContain('only forwards GET of');
    expect(refused[4]?.body).toContain('only reaches');
    expect(seen).toEqual([]);
  });
});

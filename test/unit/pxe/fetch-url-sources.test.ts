import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BootFileCopy } from '../../../src/pxe/boot-tree-plan.js';
import { fetchUrlSources } from '../../../src/pxe/fetch-url-sources.js';

const urlCopy = (tree: string, url: string): BootFileCopy => ({ tree, from: { kind: 'url', url, setting: 'pxe.installers.rocky9.kernel' }, unit: { kind: 'installer', distro: 'rocky9' } });

/** Downloads against a real HTTP server on loopback: a good file, a 404, a refused port, a cached file. */
describe('downloading installer URLs for the boot tree', () => {
  let work: string;
  let http: Server;
  let base: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'rootcast-fetch-'));
    http = createServer((request, response) => (request.url === '/vmlinuz' ? void response.end('kernel') : void response.writeHead(404).end('no'))).listen(0, '127.0.0.1');
    await once(http, 'listening');
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    http.close();
    await rm(work, { recursive: true, force: true });
  });

  test('a good URL lands in a 644 temp file beside its target; a 404 and a refused connection are returned, never thrown', async () => {
    // A port that was just free: nothing listens there.
    const closed = createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const copies = [urlCopy('installers/rocky9/vmlinuz', `${base}/vmlinuz`), urlCopy('installers/rocky9/initrd.img', `${base}/initrd.img`), urlCopy('installers/other/linux', `http://127.0.0.1:${port}/linux`)];
    const { downloads, unfetched } = await fetchUrlSources(work, copies, { fetch: globalThis.fetch, cached: new Set() });
    expect(downloads.map((download) => download.tree)).toEqual(['installers/rocky9/vmlinuz']);
    const temp = downloads[0]?.temp ?? '';
    expect(temp.startsWith(join(work, 'installers/rocky9/.'))).toBe(true);
    expect(await readFile(temp, 'utf8')).toBe('kernel');
    expect((await stat(temp)).mode & 0o777).toBe(0o644);
    expect(unfetched.get('installers/rocky9/initrd.img')).toEqual({ message: `cannot fetch ${base}/initrd.img (pxe.installers.rocky9.kernel): HTTP 404 Not Found`, code: 'NOT_FOUND', attempted: true });
    // Node's own message is only "fetch failed": the cause says why.
    expect(unfetched.get('installers/other/linux')).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/fetch failed: .*ECONNREFUSED/) });
  });

  test('what an earlier sync downloaded is not fetched again, unless refetch', async () => {
    const copies = [urlCopy('installers/rocky9/vmlinuz', `${base}/vmlinuz`)];
    const cached = new Set(['installers/rocky9/vmlinuz']);
    expect((await fetchUrlSources(work, copies, { fetch: globalThis.fetch, cached })).downloads).toEqual([]);
    expect((await fetchUrlSources(work, copies, { fetch: globalThis.fetch, cached, refetch: true })).downloads).toHaveLength(1);
  });
});

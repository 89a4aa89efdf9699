import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { posix, sep } from 'node:path';
import { createRequire } from 'node:module';
import type { TftpRequest, TftpResponse, TftpServer } from 'tftp';
import { RootcastError } from '../errors/rootcast-error.js';

/** Where a read-only TFTP server listens and what it serves. */
export interface TftpServerSpec {
  /** The directory served; nothing outside it is ever read. */
  root: string;
  /** @default "0.0.0.0" */
  address?: string;
  /** PXE firmware always asks port 69; tests use a free one. @default 69 */
  port?: number;
  log: (line: string) => void;
}

export interface RunningTftpServer {
  address: string;
  port: number;
  stop(): Promise<void>;
}

/** Why a requested file name may not be served, or its path relative to the root (pure). */
export const tftpPathInTree = (requested: string): { ok: true; path: string } | { ok: false; reason: string } => {
  if (requested.includes('\\') || requested.includes('\0')) return { ok: false, reason: 'backslashes and NUL are not allowed' };
  const relative = requested.replace(/^\/+/, '');
  if (relative.split('/').some((segment) => segment === '..')) return { ok: false, reason: '".." leaves the boot tree' };
  const normal = posix.normalize(relative);
  if (normal === '.' || normal === '' || normal.startsWith('..')) return { ok: false, reason: 'not a file in the boot tree' };
  return { ok: true, path: normal };
};

/** The real path of a request, refused when a symlink leads out of the tree. */
const resolveInTree = async (realRoot: string, relative: string): Promise<string | undefined> => {
  const real = await realpath(`${realRoot}${sep}${relative}`).catch(() => undefined);
  return real !== undefined && real.startsWith(`${realRoot}${sep}`) ? real : undefined;
};

// The package is CommonJS without an ESM entry; load it the CommonJS way.
const loadTftp = (): typeof import('tftp') => createRequire(import.meta.url)('tftp') as typeof import('tftp');

/**
 * A read-only TFTP server (npm `tftp`) confined to `root`: uploads are refused, `..` and symlinks that
 * leave the tree are refused, every transfer and refusal is logged.
 */
export const openTftpServer = async (spec: TftpServerSpec): Promise<RunningTftpServer> => {
  const tftp = loadTftp();
  const realRoot = await realpath(spec.root);
  const address = spec.address ?? '0.0.0.0';
  const serve = (request: TftpRequest, response: TftpResponse): void => {
    const client = request.stats.remoteAddress;
    const refuse = (reason: string, code: string): void => {
      spec.log(`tftp: refused ${JSON.stringify(request.file)} to ${client}: ${reason}`);
      request.on('error', () => undefined);
      request.abort(code);
    };
    if (request.method !== 'GET') return refuse('the boot tree is read-only', tftp.EACCESS);
    const inTree = tftpPathInTree(request.file);
    if (!inTree.ok) return refuse(inTree.reason, tftp.EACCESS);
    void (async () => {
      const path = await resolveInTree(realRoot, inTree.path);
      const info = path === undefined ? undefined : await stat(path).catch(() => undefined);
      if (path === undefined || info === undefined || !info.isFile()) return refuse('no such file in the boot tree', tftp.ENOENT);
      request.on('error', (error: Error) => spec.log(`tftp: ${inTree.path} to ${client} failed: ${error.message}`));
      response.on('finish', () => spec.log(`tftp: sent ${inTree.path} to ${client} (${info.size} bytes)`));
      response.setSize(info.size);
      createReadStream(path).on('error', () => request.abort(tftp.EIO)).pipe(response);
    })();
  };
  // Firmware in a busy VM (or on a slow link) can take many seconds to acknowledge: retry for ~30 s, not the package's 9.
  const server: TftpServer = tftp.createServer({ host: address, port: spec.port ?? 69, root: realRoot, denyPUT: true, retries: 10 }, serve);
  await new Promise<void>((resolve, reject) => {
    const failed = (error: Error): void => reject(new RootcastError('UNAVAILABLE', `cannot serve TFTP on ${address}:${spec.port ?? 69}: ${error.message}`, {
      hint: 'another TFTP server (tftpd-hpa, dnsmasq with enable-tftp) may hold the port: stop it, or set pxe.tftp: dnsmasq',
    }));
    server.once('error', failed);
    server.once('listening', () => {
      server.off('error', failed);
      resolve();
    });
    server.listen();
  });
  server.on('error', (error: Error) => spec.log(`tftp: ${error.message}`));
  const port = (server as unknown as { _socket: { address(): { port: number } } })._socket.address().port;
  return {
    address,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.once('close', () => resolve());
        server.close();
      }),
  };
};

import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { open, realpath, stat, type FileHandle } from 'node:fs/promises';
import { posix, sep } from 'node:path';
import { RootcastError } from '../errors/rootcast-error.js';
import { dataPacket, errorPacket, negotiateOptions, oackPacket, parseAck, parseTftpRequest, tftpErrors, tftpOpcodes } from './tftp-packets.js';

/** Where a read-only TFTP server listens and what it serves. */
export interface TftpServerSpec {
  /** The directory served; nothing outside it is ever read. */
  root: string;
  /** @default "0.0.0.0" */
  address?: string;
  /** PXE firmware always asks port 69; 0 picks a free one (tests). @default 69 */
  port?: number;
  log: (line: string) => void;
  /** Wait for an acknowledgement before sending a block again (a client's `timeout` option wins). @default 2000 */
  retransmitMs?: number;
  /** Sends of one block before the transfer is given up. @default 10 */
  attempts?: number;
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

const bindSocket = (socket: Socket, port: number, address: string): Promise<void> =>
  new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, address, () => {
      socket.off('error', reject);
      resolve();
    });
  });

interface Transfer {
  socket: Socket;
  stop(): void;
}

/**
 * Sends one file lock-step from its own socket (RFC 1350: one block in flight). A duplicate ACK is
 * ignored rather than answered with a resend, so a late acknowledgement never doubles the traffic
 * (the Sorcerer's Apprentice bug); a block that stays unacknowledged is sent again, at most `attempts` times.
 */
const sendFile = async (spec: Required<Pick<TftpServerSpec, 'log' | 'retransmitMs' | 'attempts'>>, address: string, client: RemoteInfo, path: string, shown: string, requested: Record<string, string>, done: (transfer: Transfer) => void): Promise<Transfer> => {
  const handle: FileHandle = await open(path, 'r');
  const size = (await handle.stat()).size;
  const options = negotiateOptions(requested, size, spec.retransmitMs);
  const socket = createSocket('udp4');
  await bindSocket(socket, 0, address);
  let block = 0;
  let last: Buffer | undefined;
  let sendsLeft = spec.attempts;
  let timer: NodeJS.Timeout | undefined;
  let finished = false;
  const transfer: Transfer = { socket, stop: () => finish() };
  const finish = (problem?: string): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    socket.close();
    void handle.close();
    spec.log(problem === undefined ? `tftp: sent ${shown} to ${client.address} (${size} bytes)` : `tftp: ${shown} to ${client.address} failed: ${problem}`);
    done(transfer);
  };
  const send = (packet: Buffer): void => {
    last = packet;
    sendsLeft = spec.attempts;
    transmit();
  };
  const transmit = (): void => {
    if (finished || last === undefined) return;
    if (sendsLeft === 0) return finish(`no acknowledgement after ${spec.attempts} sends of block ${block}`);
    sendsLeft -= 1;
    socket.send(last, client.port, client.address);
    clearTimeout(timer);
    timer = setTimeout(transmit, options.timeoutMs);
  };
  const sendBlock = async (number: number): Promise<void> => {
    // Taken before the read: an ACK repeated meanwhile no longer matches, so no block is sent twice.
    block = number;
    const offset = (number - 1) * options.blockSize;
    const buffer = Buffer.alloc(Math.max(0, Math.min(options.blockSize, size - offset)));
    if (buffer.length > 0) await handle.read(buffer, 0, buffer.length, offset);
    send(dataPacket(number, buffer));
  };
  socket.on('message', (message, from) => {
    if (finished || from.port !== client.port || from.address !== client.address) return;
    const { opcode, block: acked } = parseAck(message);
    if (opcode === tftpOpcodes.error) return finish('the client ended the transfer');
    if (opcode !== tftpOpcodes.ack || acked !== (block & 0xffff)) return;
    const lastLength = (last?.length ?? 4) - 4;
    if (block > 0 && lastLength < options.blockSize) return finish();
    sendBlock(block + 1).catch((error: Error) => finish(error.message));
  });
  socket.on('error', (error) => finish(error.message));
  if (Object.keys(options.accepted).length > 0) send(oackPacket(options.accepted));
  else await sendBlock(1);
  return transfer;
};

/**
 * A read-only TFTP server confined to `root`: uploads are refused, `..` and symlinks that leave the
 * tree are refused, every transfer and refusal is logged. Lock-step, with blksize, tsize and timeout.
 */
export const openTftpServer = async (spec: TftpServerSpec): Promise<RunningTftpServer> => {
  const realRoot = await realpath(spec.root);
  const address = spec.address ?? '0.0.0.0';
  const settings = { log: spec.log, retransmitMs: spec.retransmitMs ?? 2000, attempts: spec.attempts ?? 10 };
  const transfers = new Set<Transfer>();
  const server = createSocket('udp4');
  const refuse = (client: RemoteInfo, file: string, code: number, reason: string): void => {
    spec.log(`tftp: refused ${JSON.stringify(file)} to ${client.address}: ${reason}`);
    const reply = createSocket('udp4');
    reply.send(errorPacket(code, reason), client.port, client.address, () => reply.close());
  };
  const handle = async (message: Buffer, client: RemoteInfo): Promise<void> => {
    const request = parseTftpRequest(message);
    if (request === undefined) return refuse(client, '', tftpErrors.illegalOperation, 'not a TFTP request');
    if (request.opcode === tftpOpcodes.wrq) return refuse(client, request.file, tftpErrors.accessViolation, 'the boot tree is read-only');
    if (request.opcode !== tftpOpcodes.rrq) return refuse(client, request.file, tftpErrors.illegalOperation, 'only read requests are served');
    const inTree = tftpPathInTree(request.file);
    if (!inTree.ok) return refuse(client, request.file, tftpErrors.accessViolation, inTree.reason);
    const path = await resolveInTree(realRoot, inTree.path);
    const info = path === undefined ? undefined : await stat(path).catch(() => undefined);
    if (path === undefined || info === undefined || !info.isFile()) return refuse(client, request.file, tftpErrors.fileNotFound, 'no such file in the boot tree');
    if (request.mode !== 'octet') return refuse(client, request.file, tftpErrors.notDefined, `mode ${request.mode} is not served: use binary (octet) mode`);
    const transfer = await sendFile(settings, address, client, path, inTree.path, request.options, (ended) => transfers.delete(ended));
    transfers.add(transfer);
  };
  server.on('message', (message, client) => {
    handle(message, client).catch((error: Error) => spec.log(`tftp: request from ${client.address} failed: ${error.message}`));
  });
  try {
    await bindSocket(server, spec.port ?? 69, address);
  } catch (error) {
    server.close();
    throw new RootcastError('UNAVAILABLE', `cannot serve TFTP on ${address}:${spec.port ?? 69}: ${(error as Error).message}`, {
      hint: 'another TFTP server (tftpd-hpa, dnsmasq with enable-tftp) may hold the port: stop it, or set pxe.tftp: dnsmasq',
    });
  }
  server.on('error', (error) => spec.log(`tftp: ${error.message}`));
  return {
    address,
    port: server.address().port,
    stop: async () => {
      for (const transfer of transfers) transfer.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};

import { createSocket, type Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { negotiateOptions, parseTftpRequest } from '../../../src/sys/tftp-packets.js';
import { openTftpServer, type RunningTftpServer } from '../../../src/sys/tftp-server.js';

const rrq = (file: string, options: Record<string, string>): Buffer =>
  Buffer.concat([Buffer.from([0, 1]), Buffer.from(`${file}\0octet\0${Object.entries(options).map(([name, value]) => `${name}\0${value}\0`).join('')}`, 'latin1')]);
const ack = (block: number): Buffer => Buffer.from([0, 4, (block >> 8) & 0xff, block & 0xff]);

/**
 * A scripted client: acknowledges every block; `duplicateAckAfter` repeats the previous ACK once when
 * that block arrives (what a client whose ACK crossed a retransmission does). Returns the block
 * numbers received, in order, and the bytes.
 */
const fetch = (server: RunningTftpServer, file: string, options: Record<string, string>, duplicateAckAfter?: number) =>
  new Promise<{ blocks: number[]; data: Buffer }>((resolve, reject) => {
    const socket: Socket = createSocket('udp4');
    const blocks: number[] = [];
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => (socket.close(), reject(new Error(`stalled after ${blocks.length} blocks`))), 20_000);
    socket.on('message', (message, peer) => {
      const opcode = message.readUInt16BE(0);
      if (opcode === 6) return socket.send(ack(0), peer.port, peer.address);
      if (opcode !== 3) return (clearTimeout(timer), socket.close(), reject(new Error(message.subarray(4).toString())));
      const block = message.readUInt16BE(2);
      const fresh = blocks.length === 0 || block !== blocks[blocks.length - 1];
      blocks.push(block);
      if (fresh) chunks.push(message.subarray(4));
      if (block === duplicateAckAfter && fresh) socket.send(ack(block - 1), peer.port, peer.address);
      socket.send(ack(block), peer.port, peer.address);
      if (message.length - 4 < Number(options['blksize'] ?? 512)) {
        clearTimeout(timer);
        // Linger briefly: a storm of resent blocks would show up here.
        setTimeout(() => (socket.close(), resolve({ blocks, data: Buffer.concat(chunks) })), 300);
      }
    });
    socket.bind(0, '127.0.0.1', () => socket.send(rrq(file, options), server.port, '127.0.0.1'));
  });

describe('the TFTP server serve --pxe runs', () => {
  let root: string;
  let server: RunningTftpServer;
  const log: string[] = [];
  const small = randomBytes(20_000);
  const rolling = randomBytes(8 * 65_540 + 3);

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'rootcast-tftp-'));
    await writeFile(join(root, 'small'), small);
    await writeFile(join(root, 'rolling'), rolling);
    server = await openTftpServer({ root, address: '127.0.0.1', port: 0, log: (line) => log.push(line) });
  });
  afterAll(async () => {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  });

  test('a duplicate ACK is ignored: every block arrives once, in order (no Sorcerer\'s Apprentice storm)', async () => {
    const { blocks, data } = await fetch(server, 'small', { blksize: '512' }, 3);
    expect(blocks).toEqual(Array.from({ length: 40 }, (_, index) => index + 1));
    expect(data.equals(small)).toBe(true);
  });

  test('block numbers roll over to 0 after 65535; the file arrives intact', async () => {
    const { blocks, data } = await fetch(server, 'rolling', { blksize: '8' });
    expect(blocks.length).toBe(65_541);
    expect(blocks.slice(65_534, 65_537)).toEqual([65_535, 0, 1]);
    expect(data.equals(rolling)).toBe(true);
  }, 60_000);

  test('options: blksize, timeout and tsize are acknowledged; requests are parsed strictly', () => {
    expect(negotiateOptions({ blksize: '1468', tsize: '0', timeout: '3', windowsize: '4' }, 1234, 2000)).toEqual({
      blockSize: 1468,
      timeoutMs: 3000,
      accepted: { blksize: '1468', timeout: '3', tsize: '1234' },
    });
    expect(negotiateOptions({ blksize: '4' }, 1, 2000)).toEqual({ blockSize: 512, timeoutMs: 2000, accepted: {} });
    expect(parseTftpRequest(rrq('pxelinux.0', { TSIZE: '0' }))).toEqual({ opcode: 1, file: 'pxelinux.0', mode: 'octet', options: { tsize: '0' } });
    expect(parseTftpRequest(Buffer.from([0, 1, 65, 0]))).toBeUndefined();
  });
});

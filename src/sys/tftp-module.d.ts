// The npm `tftp` package ships no types; this is the part of its server API rootcast uses.
declare module 'tftp' {
  import type { EventEmitter } from 'node:events';
  import type { Readable, Writable } from 'node:stream';

  export interface TftpRequest extends Readable {
    method: 'GET' | 'PUT';
    file: string;
    stats: { remoteAddress: string; remotePort: number; size: number | null; blockSize: number };
    abort(error?: string | Error): void;
  }

  export interface TftpResponse extends Writable {
    setSize(size: number): void;
  }

  export interface TftpServer extends EventEmitter {
    host: string;
    port: number;
    listen(): void;
    close(): void;
  }

  export interface TftpServerOptions {
    host?: string;
    port?: number;
    root?: string;
    denyPUT?: boolean;
    denyGET?: boolean;
    /** Retransmissions of a block before the transfer is given up. */
    retries?: number;
    /** Milliseconds to wait for an acknowledgement. */
    timeout?: number;
  }

  export function createServer(options: TftpServerOptions, listener: (request: TftpRequest, response: TftpResponse) => void): TftpServer;

  export const ENOENT: string;
  export const EACCESS: string;
  export const EIO: string;
}

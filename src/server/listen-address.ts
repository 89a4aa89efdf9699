import { isIP } from 'node:net';
import { RootcastError } from '../errors/rootcast-error.js';

export interface ListenAddress {
  address: string;
  port: number;
}

/** 8780 is unassigned and easy to remember next to rsync's 873; documented in docs/serve.md. */
export const defaultHttpListen: ListenAddress = { address: '0.0.0.0', port: 8780 };
/** Not 873, so serve can run beside a system rsync daemon. */
export const defaultRsyncListen: ListenAddress = { address: '0.0.0.0', port: 8873 };

/** Parses `ADDR:PORT`, `[v6]:PORT` or `:PORT` (all addresses); port 0 means "pick a free one". */
export const parseListenAddress = (text: string, option: string): ListenAddress => {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const address = match?.[1] ?? (match?.[2] === '' ? '0.0.0.0' : match?.[2]);
  const port = Number(match?.[3]);
  if (match === null || address === undefined || isIP(address) === 0 || port > 65535) {
    throw new RootcastError('USAGE', `${option} "${text}" is not ADDRESS:PORT`, {
      hint: `write an IP address and a port, e.g. ${option} 10.0.0.1:8780 or ${option} :8780 for every address`,
    });
  }
  return { address, port };
};

export const formatListenAddress = ({ address, port }: ListenAddress): string =>
  isIP(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`;

export const isWildcardAddress = (address: string): boolean => address === '0.0.0.0' || address === '::';

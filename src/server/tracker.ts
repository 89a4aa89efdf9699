import { isIP } from 'node:net';
import { bencode, type Bencoded } from '../payload/bencode.js';

/** One announce (BEP 3), as parsed from the request's raw query string. */
export interface Announce {
  /** 40 hex digits. */
  infoHash: string;
  /** 40 hex digits. */
  peerId: string;
  port: number;
  left: number;
  uploaded: number;
  downloaded: number;
  event: 'started' | 'completed' | 'stopped' | 'update';
  compact: boolean;
  numwant: number;
}

export type AnnounceParse = { ok: true; announce: Announce } | { ok: false; reason: string };

/** Percent-decodes to bytes (info_hash and peer_id are binary; URLSearchParams would mangle them as UTF-8). */
const decodeBytes = (text: string): Buffer | undefined => {
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index] as string;
    if (char === '%') {
      const hex = text.slice(index + 1, index + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      bytes.push(Number.parseInt(hex, 16));
      index += 2;
    } else bytes.push(char === '+' ? 0x20 : char.charCodeAt(0) & 0xff);
  }
  return Buffer.from(bytes);
};

const wholeNumber = (text: string | undefined, fallback?: number): number | undefined => {
  if (text === undefined) return fallback;
  return /^\d{1,18}$/.test(text) ? Number(text) : undefined;
};

/** Pure: the announce in a raw request target (`/…/announce?info_hash=%12…`), or why it is malformed. */
export const parseAnnounce = (rawTarget: string): AnnounceParse => {
  const query = rawTarget.includes('?') ? rawTarget.slice(rawTarget.indexOf('?') + 1) : '';
  const fields = new Map<string, string>();
  for (const part of query.split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    fields.set(equals < 0 ? part : part.slice(0, equals), equals < 0 ? '' : part.slice(equals + 1));
  }
  const infoHash = decodeBytes(fields.get('info_hash') ?? '');
  const peerId = decodeBytes(fields.get('peer_id') ?? '');
  if (infoHash?.length !== 20) return { ok: false, reason: 'info_hash must be 20 bytes' };
  if (peerId?.length !== 20) return { ok: false, reason: 'peer_id must be 20 bytes' };
  const port = wholeNumber(fields.get('port'));
  if (port === undefined || port < 1 || port > 65535) return { ok: false, reason: 'port must be 1-65535' };
  const left = wholeNumber(fields.get('left'), 0);
  const uploaded = wholeNumber(fields.get('uploaded'), 0);
  const downloaded = wholeNumber(fields.get('downloaded'), 0);
  const numwant = wholeNumber(fields.get('numwant'), 50);
  if (left === undefined || uploaded === undefined || downloaded === undefined || numwant === undefined) return { ok: false, reason: 'left, uploaded, downloaded and numwant must be whole numbers' };
  const eventText = fields.get('event') ?? '';
  const event = eventText === '' || eventText === 'empty' ? 'update' : eventText;
  if (event !== 'started' && event !== 'completed' && event !== 'stopped' && event !== 'update') return { ok: false, reason: `unknown event "${eventText}"` };
  return {
    ok: true,
    announce: { infoHash: infoHash.toString('hex'), peerId: peerId.toString('hex'), port, left, uploaded, downloaded, event, compact: fields.get('compact') !== '0', numwant: Math.min(numwant, 200) },
  };
};

interface Peer {
  ip: string;
  port: number;
  left: number;
  seenMs: number;
}

export interface SwarmStats {
  infoHash: string;
  /** Peers with the whole payload. */
  complete: number;
  incomplete: number;
  /** `completed` events seen since serve started. */
  downloaded: number;
}

export interface Tracker {
  /** The bencoded answer to one announce from `ip` (the address the request came from, never a claimed one). */
  announce(announce: Announce, ip: string): Buffer;
  stats(): SwarmStats[];
  /** Peers of one swarm (hex info hash) that still miss part of the payload. */
  incompletePeers(infoHash: string): number;
}

export interface TrackerOptions {
  nowMs: () => number;
  /** Seconds between a client's announces. @default 30 */
  intervalSeconds?: number;
  /** Picks which peers an asker gets. @default Math.random */
  random?: () => number;
}

/** Pure-bencoded refusal a BitTorrent client shows as the tracker's reason. */
export const trackerFailure = (reason: string): Buffer => bencode({ 'failure reason': reason });

/** The 16 bytes of an IPv6 address (`::` expanded; an embedded IPv4 tail is two groups). */
const ipv6Bytes = (ip: string): Buffer => {
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  const text = tail === null ? ip : ip.replace(tail[0], `${(Number(tail[1]) * 256 + Number(tail[2])).toString(16)}:${(Number(tail[3]) * 256 + Number(tail[4])).toString(16)}`);
  const [head = '', rest] = text.split('::');
  const groups = (part: string | undefined): string[] => (part === undefined || part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = groups(rest);
  const all = [...left, ...Array<string>(rest === undefined ? 0 : 8 - left.length - right.length).fill('0'), ...right];
  const bytes = Buffer.alloc(16);
  all.forEach((group, index) => bytes.writeUInt16BE(Number.parseInt(group, 16), index * 2));
  return bytes;
};

/** BEP 23 / BEP 7: 4 address bytes + port for IPv4 (`peers`), 16 + port for IPv6 (`peers6`). */
const compactPeer = (peer: Peer): Buffer => {
  const address = isIP(peer.ip) === 4 ? Buffer.from(peer.ip.split('.').map(Number)) : ipv6Bytes(peer.ip);
  const port = Buffer.alloc(2);
  port.writeUInt16BE(peer.port);
  return Buffer.concat([address, port]);
};

/** Fisher-Yates over a copy: every subset of peers equally likely. */
const shuffled = <T>(items: readonly T[], random: () => number): T[] => {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
};

/**
 * A minimal HTTP tracker (BEP 3 announces, BEP 23 and BEP 7 compact peer lists) kept in memory: which fleet hosts hold
 * which payload. Peers that miss two announce intervals are forgotten. Who may announce is decided by the caller.
 */
export const createTracker = (options: TrackerOptions): Tracker => {
  const interval = options.intervalSeconds ?? 30;
  const swarms = new Map<string, { peers: Map<string, Peer>; downloaded: number }>();
  const expire = (peers: Map<string, Peer>): void => {
    const oldest = options.nowMs() - 2 * interval * 1000;
    for (const [id, peer] of peers) if (peer.seenMs < oldest) peers.delete(id);
  };
  return {
    announce: (announce, ip) => {
      const swarm = swarms.get(announce.infoHash) ?? { peers: new Map<string, Peer>(), downloaded: 0 };
      swarms.set(announce.infoHash, swarm);
      expire(swarm.peers);
      if (announce.event === 'stopped') swarm.peers.delete(announce.peerId);
      else swarm.peers.set(announce.peerId, { ip, port: announce.port, left: announce.left, seenMs: options.nowMs() });
      if (announce.event === 'completed') swarm.downloaded += 1;
      const others = [...swarm.peers.entries()].filter(([id, peer]) => id !== announce.peerId && !(announce.left === 0 && peer.left === 0));
      // A random subset, so a thousand hosts do not all crowd the same first peers.
      const chosen = shuffled(others, options.random ?? Math.random).slice(0, announce.numwant).map(([, peer]) => peer);
      const complete = [...swarm.peers.values()].filter((peer) => peer.left === 0).length;
      const counts = { complete, incomplete: swarm.peers.size - complete, interval, 'min interval': Math.min(interval, 10) };
      if (!announce.compact) return bencode({ ...counts, peers: chosen.map((peer): Bencoded => ({ ip: peer.ip, port: peer.port })) });
      const v4 = chosen.filter((peer) => isIP(peer.ip) === 4);
      const v6 = chosen.filter((peer) => isIP(peer.ip) === 6);
      return bencode({ ...counts, peers: Buffer.concat(v4.map(compactPeer)), ...(v6.length === 0 ? {} : { peers6: Buffer.concat(v6.map(compactPeer)) }) });
    },
    incompletePeers: (infoHash) => {
      const swarm = swarms.get(infoHash);
      if (swarm === undefined) return 0;
      expire(swarm.peers);
      let incomplete = 0;
      for (const peer of swarm.peers.values()) if (peer.left > 0) incomplete += 1;
      return incomplete;
    },
    stats: () =>
      [...swarms.entries()].map(([infoHash, swarm]) => {
        expire(swarm.peers);
        const complete = [...swarm.peers.values()].filter((peer) => peer.left === 0).length;
        return { infoHash, complete, incomplete: swarm.peers.size - complete, downloaded: swarm.downloaded };
      }),
  };
};

import { createHash } from 'node:crypto';
import { bdecode, bencode, type Bencoded, type Decoded } from './bencode.js';

/** 1 MiB pieces: a 300 MB payload is ~300 pieces, small enough for a short .torrent, big enough for few requests. */
export const defaultPieceLength = 1024 * 1024;

/** The info dictionary of a single-file torrent (BEP 3); its SHA-1 is the info hash peers and the tracker use. */
export interface TorrentInfo {
  name: string;
  length: number;
  pieceLength: number;
  /** SHA-1 of each piece, concatenated (20 bytes a piece). */
  pieces: Buffer;
}

const infoDictionary = (info: TorrentInfo): Bencoded => ({
  length: info.length,
  name: info.name,
  'piece length': info.pieceLength,
  pieces: info.pieces,
  // BEP 27: peers come from the tracker only, never DHT or peer exchange: the swarm stays this fleet's.
  private: 1,
});

/** Pure: the bencoded info dictionary, exactly as hashed. */
export const encodeTorrentInfo = (info: TorrentInfo): Buffer => bencode(infoDictionary(info));

/** Pure: the 20-byte info hash as 40 lower-case hex digits. */
export const infoHashOf = (info: TorrentInfo): string => createHash('sha1').update(encodeTorrentInfo(info)).digest('hex');

/** Where a client finds the swarm: the tracker's announce URL and the web seed (BEP 19 url-list, the payload's own URL). */
export interface TorrentUrls {
  announce: string;
  webSeed: string;
}

/**
 * Pure: a .torrent for `info` with these URLs. The info hash does not depend on them, so one payload serves every
 * address a host reaches serve by; the URLs carry no secret (the runner adds its credential on the way).
 */
export const buildTorrentFile = (info: TorrentInfo, urls: TorrentUrls): Buffer =>
  bencode({ announce: urls.announce, 'url-list': [urls.webSeed], info: infoDictionary(info) });

/** Pure: a .torrent holding only the info dictionary (what publish stores; serve adds the URLs per host). */
export const buildInfoOnlyTorrent = (info: TorrentInfo): Buffer => Buffer.concat([Buffer.from('d4:info'), encodeTorrentInfo(info), Buffer.from('e')]);

const field = (map: Map<string, Decoded>, key: string): Decoded => {
  const value = map.get(key);
  if (value === undefined) throw new Error(`the torrent's info has no "${key}"`);
  return value;
};

/** Pure: the single-file info dictionary of a .torrent; throws on anything else. */
export const readTorrentInfo = (torrent: Buffer): TorrentInfo => {
  const top = bdecode(torrent);
  if (!(top instanceof Map)) throw new Error('a .torrent must be a dictionary');
  const info = field(top, 'info');
  if (!(info instanceof Map)) throw new Error('the torrent\'s info must be a dictionary');
  const name = field(info, 'name');
  const length = field(info, 'length');
  const pieceLength = field(info, 'piece length');
  const pieces = field(info, 'pieces');
  if (!Buffer.isBuffer(name) || typeof length !== 'bigint' || typeof pieceLength !== 'bigint' || !Buffer.isBuffer(pieces) || pieces.length % 20 !== 0) {
    throw new Error('the torrent\'s info is not a single-file info dictionary');
  }
  return { name: name.toString('utf8'), length: Number(length), pieceLength: Number(pieceLength), pieces };
};

import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface PayloadDigests {
  bytes: number;
  /** SHA-256 of the whole file, hex: what the runner checks before it trusts the payload. */
  sha256: string;
  /** SHA-1 of each piece, concatenated: the torrent's `pieces`. */
  pieces: Buffer;
}

/** Reads the file once and computes the whole-file SHA-256 and the per-piece SHA-1s together. */
export const hashPayload = async (file: string, pieceLength: number): Promise<PayloadDigests> => {
  const whole = createHash('sha256');
  const pieceHashes: Buffer[] = [];
  let piece: Hash = createHash('sha1');
  let inPiece = 0;
  let bytes = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: pieceLength })) {
    const data = chunk as Buffer;
    whole.update(data);
    bytes += data.length;
    let offset = 0;
    while (offset < data.length) {
      const take = Math.min(pieceLength - inPiece, data.length - offset);
      piece.update(data.subarray(offset, offset + take));
      inPiece += take;
      offset += take;
      if (inPiece === pieceLength) {
        pieceHashes.push(piece.digest());
        piece = createHash('sha1');
        inPiece = 0;
      }
    }
  }
  if (inPiece > 0) pieceHashes.push(piece.digest());
  return { bytes, sha256: whole.digest('hex'), pieces: Buffer.concat(pieceHashes) };
};

/** SHA-256 of a file, hex (the runner's check of a downloaded payload). */
export const sha256OfFile = async (file: string): Promise<string> => {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
};

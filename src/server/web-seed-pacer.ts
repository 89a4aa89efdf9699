/**
 * Pacing of the web seed (docs/fanout.md): while a swarm has at least two incomplete peers, a piece the web seed
 * has already sent whole goes out again only through a per-swarm rate budget, so the peers trade it instead of
 * each pulling it from the server. Pieces not yet sent, and everything a lone host asks for, go at full speed.
 */

/** The swarm a web-seed response belongs to. */
export interface SeedSwarm {
  infoHash: string;
  pieceLength: number;
  size: number;
}

/** Called before each chunk of a response is written: resolves when those bytes may go. */
export type PaceChunk = (offset: number, length: number) => Promise<void>;

export interface WebSeedPacer {
  /** The pacing of one response that starts at byte `start` of the payload. */
  forResponse(swarm: SeedSwarm, start: number): PaceChunk;
}

export interface WebSeedPacerOptions {
  /** Bytes per second that re-sent pieces of one swarm share while it has several incomplete peers. */
  resendBytesPerSecond: number;
  /** Incomplete peers the tracker counts for an info hash (hex). */
  incompletePeers: (infoHash: string) => number;
  nowMs: () => number;
  sleep: (ms: number) => Promise<void>;
}

interface SwarmPacing {
  /** Whole sends per piece since the swarm last had fewer than two incomplete peers. */
  sends: Uint32Array;
  /** When the budget is next free (virtual clock, ms). */
  nextFreeMs: number;
}

/** Pure: the pieces a chunk [offset, offset + length) completes, for a response that started at `start`. */
export const piecesCompleted = (swarm: SeedSwarm, start: number, offset: number, length: number): number[] => {
  const end = offset + length;
  const completed: number[] = [];
  const first = Math.floor(offset / swarm.pieceLength);
  for (let piece = first; piece * swarm.pieceLength < end; piece += 1) {
    const pieceStart = piece * swarm.pieceLength;
    const pieceEnd = Math.min(pieceStart + swarm.pieceLength, swarm.size);
    // Whole only when this response covered it from its first byte, and this chunk carries its last one.
    if (pieceStart >= start && pieceEnd > offset && pieceEnd <= end) completed.push(piece);
  }
  return completed;
};

export const createWebSeedPacer = (options: WebSeedPacerOptions): WebSeedPacer => {
  const swarms = new Map<string, SwarmPacing>();
  const pacingOf = (swarm: SeedSwarm): SwarmPacing | undefined => {
    if (options.incompletePeers(swarm.infoHash) < 2) {
      // A new crowd starts from scratch: what went to hosts that have since left is fresh again.
      swarms.delete(swarm.infoHash);
      return undefined;
    }
    const known = swarms.get(swarm.infoHash);
    if (known !== undefined) return known;
    const created = { sends: new Uint32Array(Math.ceil(swarm.size / swarm.pieceLength)), nextFreeMs: 0 };
    swarms.set(swarm.infoHash, created);
    return created;
  };
  return {
    forResponse: (swarm, start) => async (offset, length) => {
      const pacing = pacingOf(swarm);
      if (pacing === undefined) return;
      const piece = Math.floor(offset / swarm.pieceLength);
      if ((pacing.sends[piece] ?? 0) > 0) {
        const now = options.nowMs();
        const at = Math.max(now, pacing.nextFreeMs);
        pacing.nextFreeMs = at + (length * 1000) / options.resendBytesPerSecond;
        if (at > now) await options.sleep(at - now);
      }
      for (const done of piecesCompleted(swarm, start, offset, length)) pacing.sends[done] = (pacing.sends[done] ?? 0) + 1;
    },
  };
};

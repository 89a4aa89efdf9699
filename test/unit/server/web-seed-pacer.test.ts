import { describe, expect, test } from 'vitest';
import { createWebSeedPacer, piecesCompleted, type SeedSwarm } from '../../../src/server/web-seed-pacer.js';
import { parseWebSeedPacing } from '../../../src/server/web-seed-options.js';

const swarm: SeedSwarm = { infoHash: 'ab'.repeat(20), pieceLength: 100, size: 350 };

/** A pacer on a fake clock: sleeping advances it, and every wait is recorded. */
const fakePacer = (incomplete: () => number) => {
  let now = 0;
  const waits: number[] = [];
  const pacer = createWebSeedPacer({
    resendBytesPerSecond: 1000,
    incompletePeers: incomplete,
    nowMs: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
  });
  return { pacer, waits };
};

/** Sends [start, end) through one response in 50-byte chunks. */
const send = async (pace: (offset: number, length: number) => Promise<void>, start: number, end: number): Promise<void> => {
  for (let offset = start; offset < end; offset += 50) await pace(offset, Math.min(50, end - offset));
};

describe('piecesCompleted', () => {
  test('a piece counts when the response covered it from its first byte and this chunk carries its last', () => {
    expect(piecesCompleted(swarm, 0, 0, 50)).toEqual([]);
    expect(piecesCompleted(swarm, 0, 50, 50)).toEqual([0]);
    expect(piecesCompleted(swarm, 0, 0, 250)).toEqual([0, 1]);
    // Started mid-piece: piece 0 was not sent whole.
    expect(piecesCompleted(swarm, 30, 30, 70)).toEqual([]);
    // The short last piece (300-349).
    expect(piecesCompleted(swarm, 300, 300, 50)).toEqual([3]);
  });
});

describe('the web seed pacer', () => {
  test('a lone incomplete host is never paced, however often it asks for the same piece', async () => {
    const { pacer, waits } = fakePacer(() => 1);
    for (let round = 0; round < 3; round += 1) await send(pacer.forResponse(swarm, 0), 0, 350);
    expect(waits).toEqual([]);
  });

  test('in a crowd, the first whole send of a piece is free and a re-send goes through the shared budget', async () => {
    const { pacer, waits } = fakePacer(() => 5);
    await send(pacer.forResponse(swarm, 0), 0, 200);
    expect(waits).toEqual([]);
    // Two hosts ask for piece 0 again: 100 bytes each at 1000 B/s share one budget, so the second waits behind the first.
    await send(pacer.forResponse(swarm, 0), 0, 100);
    await send(pacer.forResponse(swarm, 0), 0, 100);
    expect(waits.reduce((sum, ms) => sum + ms, 0)).toBe(150);
    // Piece 2 was never sent: free.
    const before = waits.length;
    await send(pacer.forResponse(swarm, 200), 200, 300);
    expect(waits.length).toBe(before);
  });

  test('when the crowd is gone, what went to it is fresh again for the next one', async () => {
    let incomplete = 4;
    const { pacer, waits } = fakePacer(() => incomplete);
    await send(pacer.forResponse(swarm, 0), 0, 100);
    incomplete = 1;
    await send(pacer.forResponse(swarm, 0), 0, 100);
    incomplete = 4;
    await send(pacer.forResponse(swarm, 0), 0, 100);
    expect(waits).toEqual([]);
  });
});

describe('parseWebSeedPacing', () => {
  test('accepts Mbit/s, 0 for off, and leaves pacing off when unset', () => {
    expect(parseWebSeedPacing('20')).toEqual({ resendMbit: 20 });
    expect(parseWebSeedPacing('2.5')).toEqual({ resendMbit: 2.5 });
    expect(parseWebSeedPacing('0')).toEqual({ resendMbit: 0 });
    expect(parseWebSeedPacing(undefined)).toEqual({});
  });

  test('refuses what is not a rate', () => {
    for (const bad of ['fast', '-1', '20mbit', '']) expect(() => parseWebSeedPacing(bad)).toThrow(/--web-seed-resend-rate ".*" is not a number of Mbit\/s/);
  });
});

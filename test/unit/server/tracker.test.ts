import { describe, expect, test } from 'vitest';
import { bdecode } from '../../../src/payload/bencode.js';
import { parseRange } from '../../../src/server/byte-range.js';
import { matchRoute } from '../../../src/server/routes.js';
import { createTracker, parseAnnounce, type Announce } from '../../../src/server/tracker.js';

const hash = Buffer.alloc(20, 0xab);
const query = (fields: Record<string, string>): string => `/api/v1/hosts/web07/announce?${Object.entries(fields).map(([key, value]) => `${key}=${value}`).join('&')}`;
const binary = (bytes: Buffer): string => [...bytes].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
const peerId = (n: number): string => binary(Buffer.alloc(20, n));
const announceOf = (fields: Record<string, string>): Announce => {
  const parsed = parseAnnounce(query({ info_hash: binary(hash), port: '6881', left: '100', compact: '1', ...fields }));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.announce;
};

describe('parseAnnounce', () => {
  test('decodes binary info_hash and peer_id byte for byte', () => {
    const announce = announceOf({ peer_id: `-aria2-${'%ff'.repeat(13)}`, event: 'started', uploaded: '5', downloaded: '7' });
    expect(announce).toEqual({ infoHash: 'ab'.repeat(20), peerId: `${Buffer.from('-aria2-').toString('hex')}${'ff'.repeat(13)}`, port: 6881, left: 100, uploaded: 5, downloaded: 7, event: 'started', compact: true, numwant: 50 });
  });

  test('malformed announces say what is wrong', () => {
    const base = { info_hash: binary(hash), peer_id: peerId(1), port: '6881' };
    expect(parseAnnounce(query({ ...base, info_hash: '%ab%ab' }))).toEqual({ ok: false, reason: 'info_hash must be 20 bytes' });
    expect(parseAnnounce(query({ ...base, peer_id: '%zz' }))).toEqual({ ok: false, reason: 'peer_id must be 20 bytes' });
    expect(parseAnnounce(query({ ...base, port: '70000' }))).toEqual({ ok: false, reason: 'port must be 1-65535' });
    expect(parseAnnounce(query({ ...base, left: '-1' }))).toMatchObject({ ok: false });
    expect(parseAnnounce(query({ ...base, event: 'paused' }))).toEqual({ ok: false, reason: 'unknown event "paused"' });
  });
});

describe('the tracker', () => {
  test('hands out the other peers as compact 6-byte entries, never the asker, and counts seeders', () => {
    let now = 0;
    const tracker = createTracker({ nowMs: () => now, intervalSeconds: 30 });
    tracker.announce(announceOf({ peer_id: peerId(1), left: '0', event: 'completed' }), '10.213.0.2');
    const answer = bdecode(tracker.announce(announceOf({ peer_id: peerId(2), event: 'started' }), '10.213.0.3')) as Map<string, unknown>;
    expect(answer.get('complete')).toBe(1n);
    expect(answer.get('incomplete')).toBe(1n);
    expect(answer.get('interval')).toBe(30n);
    expect(answer.get('peers')).toEqual(Buffer.from([10, 213, 0, 2, 0x1a, 0xe1]));
    expect(tracker.stats()).toEqual([{ infoHash: 'ab'.repeat(20), complete: 1, incomplete: 1, downloaded: 1 }]);
    // What the web seed's pacing asks: one swarm's incomplete peers; an unknown swarm has none.
    expect([tracker.incompletePeers('ab'.repeat(20)), tracker.incompletePeers('cd'.repeat(20))]).toEqual([1, 0]);
    // A seeder is not sent other seeders; a stopped peer leaves; a silent one expires after two intervals.
    const seeder = bdecode(tracker.announce(announceOf({ peer_id: peerId(3), left: '0' }), '10.213.0.4')) as Map<string, unknown>;
    expect(seeder.get('peers')).toEqual(Buffer.from([10, 213, 0, 3, 0x1a, 0xe1]));
    tracker.announce(announceOf({ peer_id: peerId(2), event: 'stopped' }), '10.213.0.3');
    expect(tracker.stats()[0]).toMatchObject({ complete: 2, incomplete: 0 });
    now = 61_000;
    expect(tracker.stats()[0]).toMatchObject({ complete: 0, incomplete: 0 });
    tracker.announce(announceOf({ peer_id: peerId(2), event: 'started' }), '10.213.0.3');
    expect(tracker.incompletePeers('ab'.repeat(20))).toBe(1);
    now = 122_000;
    expect(tracker.incompletePeers('ab'.repeat(20))).toBe(0);
  });

  test('IPv6 peers come as BEP 7 peers6 (16 address bytes + port), IPv4 ones as peers; numwant caps both together', () => {
    const tracker = createTracker({ nowMs: () => 0 });
    tracker.announce(announceOf({ peer_id: peerId(1) }), '2001:db8::7');
    tracker.announce(announceOf({ peer_id: peerId(2) }), '10.213.0.2');
    tracker.announce(announceOf({ peer_id: peerId(3) }), '::ffff:10.213.0.9');
    const answer = bdecode(tracker.announce(announceOf({ peer_id: peerId(4) }), '10.213.0.3')) as Map<string, unknown>;
    expect(answer.get('peers')).toEqual(Buffer.from([10, 213, 0, 2, 0x1a, 0xe1]));
    const v6 = answer.get('peers6') as Buffer;
    expect(v6.length).toBe(36);
    expect([v6.subarray(0, 18), v6.subarray(18)].map((entry) => entry.toString('hex')).sort()).toEqual([
      '00000000000000000000ffff0ad500091ae1',
      '20010db80000000000000000000000071ae1',
    ]);
    const capped = bdecode(tracker.announce(announceOf({ peer_id: peerId(5), numwant: '2' }), '10.213.0.4')) as Map<string, unknown>;
    expect((capped.get('peers') as Buffer).length / 6 + ((capped.get('peers6') as Buffer | undefined)?.length ?? 0) / 18).toBe(2);
  });
});

describe('payload routes and byte ranges', () => {
  test('payload files and the announce URL route by host; anything else is refused before any handler', () => {
    expect(matchRoute('GET', '/api/v1/hosts/web07/payload/web@8.tar.zst')).toEqual({ ok: true, route: { kind: 'payload-file', host: 'web07', image: 'web', version: 8, file: 'archive' } });
    expect(matchRoute('HEAD', '/api/v1/hosts/web07/payload/web@8.torrent')).toMatchObject({ ok: true, route: { file: 'torrent' } });
    expect(matchRoute('GET', '/api/v1/hosts/web07/announce?info_hash=%2e%2f')).toMatchObject({ ok: true, route: { kind: 'announce', host: 'web07', target: '/api/v1/hosts/web07/announce?info_hash=%2e%2f' } });
    expect(matchRoute('GET', '/api/v1/hosts/web07/payload/web@0.tar.zst')).toMatchObject({ ok: false, status: 404 });
    expect(matchRoute('GET', '/api/v1/hosts/web07/payload/Web@1.tar.zst')).toMatchObject({ ok: false, status: 404 });
    expect(matchRoute('GET', '/api/v1/hosts/WEB07/announce')).toMatchObject({ ok: false, status: 400 });
    expect(matchRoute('GET', '/api/v1/hosts/web07/payload/..%2fx')).toMatchObject({ ok: false, status: 400 });
    expect(matchRoute('POST', '/api/v1/hosts/web07/payload/web@8.tar.zst')).toMatchObject({ ok: false, status: 405 });
  });

  test('Range: one range, open-ended, suffix; past the end is unsatisfiable; anything else means the whole file', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ kind: 'part', start: 0, end: 99 });
    expect(parseRange('bytes=900-', 1000)).toEqual({ kind: 'part', start: 900, end: 999 });
    expect(parseRange('bytes=990-2000', 1000)).toEqual({ kind: 'part', start: 990, end: 999 });
    expect(parseRange('bytes=-10', 1000)).toEqual({ kind: 'part', start: 990, end: 999 });
    expect(parseRange('bytes=1000-', 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-0', 1000)).toEqual({ kind: 'unsatisfiable' });
    for (const header of [undefined, 'bytes=0-1,5-6', 'lines=1-2', 'bytes=-', 'bytes=5-1']) expect(parseRange(header, 1000), String(header)).toEqual({ kind: 'whole' });
  });
});

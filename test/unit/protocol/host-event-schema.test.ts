import { describe, expect, test } from 'vitest';
import { eventContentTypeProblem, parseHostEvent } from '../../../src/protocol/host-event-schema.js';

const progress = { v: 1, kind: 'phase', id: 'evt-00000001', host: 'web07', at: '2026-01-02T03:04:05.000Z', phase: 'sync-image', status: 'progress', percent: 40, bytes: 1024, rate: 2e6 };

describe('parseHostEvent (schema versions 1 and 2)', () => {
  test('accepts each kind as sent', () => {
    expect(parseHostEvent(JSON.stringify(progress), 'web07')).toEqual({ ok: true, event: progress });
    for (const event of [
      { v: 1, kind: 'installer-started', id: '0b6f1f5e-0d1c-4c9e-9f5e-3b8f2f1d2c3a', host: 'web07', at: '2026-01-02T03:04:05Z', installer: 'debian-installer' },
      { v: 1, kind: 'runner-started', id: 'evt-00000002', host: 'web07', at: '2026-01-02T03:04:05+02:00', run: 'abcdef12', via: 'update' },
      { v: 1, kind: 'booted', id: 'evt-00000003', host: 'web07', at: '2026-01-02T03:04:05Z' },
      { ...progress, status: 'failed', message: 'boom', log: ['a', 'b'] },
      { ...progress, status: 'succeeded', transfer: { transport: 'torrent', serverBytes: 24_000_000, peerBytes: 175_000_000 } },
      { ...progress, status: 'succeeded', transfer: { transport: 'rsync', serverBytes: 697_000_000, peerBytes: 0 } },
    ]) {
      expect(parseHostEvent(JSON.stringify(event), 'web07')).toEqual({ ok: true, event });
    }
  });

  test('refuses unknown fields, bad values, infinite numbers and a foreign host, every problem at once', () => {
    const result = parseHostEvent(JSON.stringify({ ...progress, phase: 'reboot', percent: 140, extra: 1 }), 'web07');
    const problems = result.ok ? '' : result.problems.join('\n');
    expect(problems).toMatch(/phase/);
    expect(problems).toMatch(/percent/);
    expect(problems).toMatch(/extra/);
    expect(parseHostEvent(JSON.stringify(progress).replace('"rate":2000000', '"rate":1e400'), 'web07')).toMatchObject({ ok: false, problems: expect.arrayContaining([expect.stringMatching(/^rate: /)]) });
    expect(parseHostEvent(JSON.stringify({ ...progress, bytes: 1.5 }), 'web07').ok).toBe(false);
    expect(parseHostEvent(JSON.stringify({ ...progress, log: ['x'.repeat(513)] }), 'web07').ok).toBe(false);
    expect(parseHostEvent(JSON.stringify({ ...progress, id: 'has space!' }), 'web07').ok).toBe(false);
    expect(parseHostEvent(JSON.stringify({ ...progress, at: '2026-01-02 03:04' }), 'web07').ok).toBe(false);
    expect(parseHostEvent(JSON.stringify({ ...progress, kind: 'party' }), 'web07').ok).toBe(false);
    expect(parseHostEvent(JSON.stringify({ ...progress, v: 3 }), 'web07')).toMatchObject({ ok: false, problems: ['v: schema version 3 is not supported; this server speaks versions 1 and 2'] });
    expect(parseHostEvent(JSON.stringify(progress), 'web08')).toMatchObject({ ok: false, problems: [expect.stringContaining('does not match')] });
    expect(parseHostEvent('{', 'web07')).toMatchObject({ ok: false, problems: [expect.stringContaining('not JSON')] });
    expect(parseHostEvent('[]', 'web07').ok).toBe(false);
  });

  test('a transfer names a known transport and whole, non-negative byte counts, nothing else', () => {
    const transfer = { transport: 'torrent', serverBytes: 10, peerBytes: 20 };
    for (const bad of [{ ...transfer, transport: 'carrier-pigeon' }, { ...transfer, serverBytes: -1 }, { ...transfer, peerBytes: 1.5 }, { ...transfer, extra: 1 }, { transport: 'rsync' }]) {
      const parsed = parseHostEvent(JSON.stringify({ ...progress, status: 'succeeded', transfer: bad }), 'web07');
      expect(parsed.ok).toBe(false);
      expect(parsed.ok ? [] : parsed.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^transfer/)]));
    }
  });
});

describe('the failed kind (version 2): the installer\'s or the bootstrap\'s failure', () => {
  const failed = { v: 2, kind: 'failed', id: 'evt-00000009', host: 'web07', at: '2026-01-02T03:04:05Z', stage: 'bootstrap', message: 'cannot download the runner', log: ['curl: (22) 404'], exitCode: 69 };

  test('accepted as version 2, next to every version-1 kind as version 2', () => {
    expect(parseHostEvent(JSON.stringify(failed), 'web07')).toEqual({ ok: true, event: failed });
    expect(parseHostEvent(JSON.stringify({ ...failed, stage: 'installer', log: undefined, exitCode: undefined }), 'web07').ok).toBe(true);
    expect(parseHostEvent(JSON.stringify({ ...progress, v: 2 }), 'web07')).toEqual({ ok: true, event: { ...progress, v: 2 } });
  });

  test('refused as version 1 (it did not exist), without a reason, with an unknown stage or a bad exit code', () => {
    expect(parseHostEvent(JSON.stringify({ ...failed, v: 1 }), 'web07')).toEqual({ ok: false, problems: ['kind: "failed" events need schema version 2 or later (this one says v 1)'] });
    for (const bad of [{ message: '' }, { message: undefined }, { stage: 'runner' }, { exitCode: 256 }, { exitCode: 1.5 }, { log: Array.from({ length: 51 }, () => 'x') }, { phase: 'sync-image' }]) {
      expect(parseHostEvent(JSON.stringify({ ...failed, ...bad }), 'web07').ok, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('eventContentTypeProblem', () => {
  test.each(['application/json', 'Application/JSON', 'application/json; charset=utf-8', 'application/json;charset="UTF-8"'])('%s is JSON', (type) => {
    expect(eventContentTypeProblem(type)).toBeUndefined();
  });
  test.each([undefined, '', 'application/json-evil', 'text/json', 'application/jsonx; charset=utf-8', 'application/json; charset=latin1', 'application/json; boundary=x'])('%s is refused', (type) => {
    expect(eventContentTypeProblem(type)).toBeDefined();
  });
});

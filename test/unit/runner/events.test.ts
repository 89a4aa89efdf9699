import { describe, expect, test } from 'vitest';
import { buildEvent, formatEventLine } from '../../../src/runner/events.js';

const at = new Date('2025-05-01T10:00:00.000Z');

describe('runner events', () => {
  test('carry host, phase, status and the time; absent details are left out of the JSON', () => {
    const event = buildEvent('web07', 'preflight', 'started', at, {}, undefined, 'event-id-0001');
    expect(event).toEqual({ v: 2, kind: 'phase', id: 'event-id-0001', host: 'web07', phase: 'preflight', status: 'started', at: '2025-05-01T10:00:00.000Z' });
    expect(Object.keys(event)).not.toContain('percent');
    expect(buildEvent('web07', 'preflight', 'started', at).id).not.toBe(buildEvent('web07', 'preflight', 'started', at).id);
  });

  test("the image pass's succeeded event carries its transport and byte sources as fields", () => {
    const transfer = { transport: 'torrent', serverBytes: 24_000_000, peerBytes: 175_000_000 } as const;
    expect(buildEvent('web07', 'sync-image', 'succeeded', at, { message: 'torrent: …', transfer })).toMatchObject({ transfer });
    expect(Object.keys(buildEvent('web07', 'sync-image', 'succeeded', at, { message: 'rsync' }))).not.toContain('transfer');
  });

  test('progress events carry percent, bytes and rate, and print as one readable line', () => {
    const event = buildEvent('web07', 'sync-image', 'progress', at, { percent: 45, bytes: 3 * 1024 ** 3, rate: 80 * 1024 ** 2 });
    expect(event).toMatchObject({ percent: 45, bytes: 3 * 1024 ** 3, rate: 80 * 1024 ** 2 });
    expect(formatEventLine(event)).toBe('2025-05-01T10:00:00.000Z sync-image progress 45% 3.0 GiB 80.0 MiB/s');
  });

  test('a failure\'s log lines fit the schema: the last 50, each at most 512 characters', () => {
    const event = buildEvent('web07', 'sync-image', 'failed', at, { message: 'boom', log: Array.from({ length: 60 }, (_, index) => `${index} ${'x'.repeat(600)}`) });
    expect(event.log).toHaveLength(50);
    expect(event.log?.[0]?.startsWith('10 ')).toBe(true);
    expect(event.log?.every((line) => line.length === 512)).toBe(true);
  });

  test('a failure keeps its message', () => {
    const event = buildEvent('web07', 'sync-image', 'failed', at, { message: '[AUTH_FAILED] refused' });
    expect(formatEventLine(event)).toBe('2025-05-01T10:00:00.000Z sync-image failed [AUTH_FAILED] refused');
  });
});

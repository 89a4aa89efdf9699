import { describe, expect, test } from 'vitest';
import { buildEvent, formatEventLine } from '../../../src/runner/events.js';

const at = new Date('2025-05-01T10:00:00.000Z');

describe('runner events', () => {
  test('carry host, phase, status and the time; absent details are left out of the JSON', () => {
    const event = buildEvent('web07', 'preflight', 'started', at);
    expect(event).toEqual({ host: 'web07', phase: 'preflight', status: 'started', at: '2025-05-01T10:00:00.000Z' });
    expect(Object.keys(event)).not.toContain('percent');
  });

  test('progress events carry percent, bytes and rate, and print as one readable line', () => {
    const event = buildEvent('web07', 'sync-image', 'progress', at, { percent: 45, bytes: 3 * 1024 ** 3, rate: 80 * 1024 ** 2 });
    expect(event).toMatchObject({ percent: 45, bytes: 3 * 1024 ** 3, rate: 80 * 1024 ** 2 });
    expect(formatEventLine(event)).toBe('2025-05-01T10:00:00.000Z sync-image progress 45% 3.0 GiB 80.0 MiB/s');
  });

  test('a failure keeps its message', () => {
    const event = buildEvent('web07', 'sync-image', 'failed', at, { message: '[AUTH_FAILED] refused' });
    expect(formatEventLine(event)).toBe('2025-05-01T10:00:00.000Z sync-image failed [AUTH_FAILED] refused');
  });
});

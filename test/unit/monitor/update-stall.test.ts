import { describe, expect, test } from 'vitest';
import { defaultStallPolicy, isStalled } from '../../../src/monitor/stall.js';
import type { HostEvent, StoredEvent } from '../../../src/protocol/host-event.js';
import { buildEvent, buildRunnerStarted } from '../../../src/runner/events.js';
import { applyStoredEvent, installForEvent } from '../../../src/state/apply-event.js';
import { currentInstall, emptyHostStatus, type HostStatus } from '../../../src/state/host-status.js';

const start = Date.parse('2026-01-02T03:00:00Z');
/** Stores `event` as serve does, received `second` seconds after the start. */
const store = (status: HostStatus, event: HostEvent, second: number): HostStatus =>
  applyStoredEvent(status, { ...event, seq: status.seq + 1, install: installForEvent(status, event), receivedAt: new Date(start + second * 1000).toISOString() } as StoredEvent, 10);
const stalledAt = (status: HostStatus, second: number): boolean => isStalled(currentInstall(status), new Date(start + second * 1000), defaultStallPolicy);

// The events rootcast update sends (the runner's builders): an update of ten minutes reports progress every 2 s.
describe('an update is watched like an install', () => {
  const at = new Date(start);
  const begun = [
    { ...buildRunnerStarted('web07', at, 'abcdef12'), via: 'update' as const },
    buildEvent('web07', 'sync-image', 'started', at, {}, 'abcdef12'),
  ].reduce((status, event) => store(status, event, 0), emptyHostStatus('web07'));

  test('while its progress arrives it is updating and never stalled, however long the pass takes', () => {
    let status = begun;
    for (let second = 2; second <= 600; second += 2) {
      status = store(status, buildEvent('web07', 'sync-image', 'progress', at, { percent: second / 6, bytes: second * 1e6, rate: 1e6 }, 'abcdef12'), second);
      expect(currentInstall(status)?.state).toBe('updating');
      expect(stalledAt(status, second + 1.9)).toBe(false);
    }
    // Silent past the runner limit (120 s) after its last word: stalled.
    expect(stalledAt(status, 600 + 121)).toBe(true);
  });

  test('an update that sends nothing between its phase events is stalled after 120 s (what progress and heartbeats prevent)', () => {
    expect(stalledAt(begun, 119)).toBe(false);
    expect(stalledAt(begun, 121)).toBe(true);
  });
});

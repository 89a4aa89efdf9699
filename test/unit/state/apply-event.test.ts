import { describe, expect, test } from 'vitest';
import type { HostEvent, StoredEvent } from '../../../src/protocol/host-event.js';
import { applyStoredEvent, installForEvent } from '../../../src/state/apply-event.js';
import { emptyHostStatus, hostStateOf, type HostStatus } from '../../../src/state/host-status.js';
import { budgetVerdict, defaultEventRetention } from '../../../src/state/event-retention.js';

let seq = 0;
let clock = Date.parse('2026-01-02T03:00:00Z');
/** Stores `event` the way the store does: next seq, the install it belongs to, serve's clock (a second per event). */
const store = (status: HostStatus, event: Record<string, unknown>, keep = 10): HostStatus => {
  const sent = { v: 1, id: `id-${(seq += 1)}-aaaaaaaa`, host: 'web07', at: '2026-01-02T03:04:05Z', ...event } as HostEvent;
  clock += 1000;
  const stored = { ...sent, seq: status.seq + 1, install: installForEvent(status, sent), receivedAt: new Date(clock).toISOString() } as StoredEvent;
  return applyStoredEvent(status, stored, keep);
};
const phase = (name: string, status: string, extra: Record<string, unknown> = {}) => ({ kind: 'phase', phase: name, status, run: 'aaaaaaaa', ...extra });
const fold = (events: Record<string, unknown>[], keep = 10): HostStatus => events.reduce<HostStatus>((status, event) => store(status, event, keep), emptyHostStatus('web07'));

describe('what events add up to', () => {
  test('a whole install: waiting, installing by phase, done, booted; one bar per phase', () => {
    const steps: [Record<string, unknown>, string][] = [
      [{ kind: 'answer-file-served', answer: 'preseed', client: '10.0.0.7', generation: 3 }, 'waiting'],
      [{ kind: 'installer-started' }, 'installing'],
      [{ kind: 'runner-started', run: 'aaaaaaaa' }, 'installing'],
      [phase('sync-image', 'started'), 'installing'],
      [phase('sync-image', 'progress', { percent: 50, bytes: 100, rate: 10 }), 'installing'],
      [phase('sync-image', 'succeeded', { bytes: 200 }), 'installing'],
      [phase('done', 'succeeded', { message: 'web@3 deployed' }), 'done'],
      [{ kind: 'booted' }, 'booted'],
    ];
    let status = emptyHostStatus('web07');
    expect(hostStateOf(status)).toBe('new');
    for (const [event, state] of steps) {
      status = store(status, event);
      expect(hostStateOf(status)).toBe(state);
    }
    const install = status.installs[0];
    expect(status.installs).toHaveLength(1);
    expect(install?.spans.map((span) => [span.phase, span.result])).toEqual([['installer', 'succeeded'], ['sync-image', 'succeeded'], ['reboot', 'succeeded']]);
    expect(install).toMatchObject({ answer: { kind: 'preseed', client: '10.0.0.7', generation: 3 }, run: 'aaaaaaaa' });
    expect(install).not.toHaveProperty('rate');
  });

  test('a failure keeps its reason and log lines; the cleanup after it does not make the host installing again', () => {
    const status = fold([phase('sync-image', 'started'), phase('sync-image', 'failed', { message: 'boom', log: ['l1', 'l2'] }), phase('cleanup', 'started'), phase('cleanup', 'succeeded')]);
    expect(status.installs[0]).toMatchObject({ state: 'failed', failure: { phase: 'sync-image', reason: 'boom', log: ['l1', 'l2'] } });
    expect(status.installs).toHaveLength(1);
  });

  test('the bootstrap\'s or the installer\'s failure fails the install with its log lines, unless the runner said why first', () => {
    const bootstrap = { kind: 'failed', v: 2, stage: 'bootstrap', message: 'cannot download the runner', log: ['curl: (7) refused'], exitCode: 69 };
    const early = fold([{ kind: 'answer-file-served', answer: 'kickstart', client: '10.0.0.7', generation: 1 }, { kind: 'installer-started' }, bootstrap]);
    expect(early.installs).toHaveLength(1);
    expect(early.installs[0]).toMatchObject({ state: 'failed', phase: 'bootstrap', failure: { phase: 'bootstrap', reason: 'cannot download the runner', log: ['curl: (7) refused'] } });
    expect(early.installs[0]?.spans.map((span) => [span.phase, span.result])).toEqual([['installer', 'failed']]);
    const afterRunner = fold([phase('sync-image', 'started'), phase('sync-image', 'failed', { message: 'boom', log: ['l1'] }), { ...bootstrap, message: 'the runner exited with status 75' }, { ...bootstrap, stage: 'installer', message: 'anaconda aborted' }]);
    expect(afterRunner.installs).toHaveLength(1);
    expect(afterRunner.installs[0]).toMatchObject({ state: 'failed', failure: { phase: 'sync-image', reason: 'boom', log: ['l1'] } });
  });

  test('installs: a new answer file, a second installer start, a re-run with another run id each start one', () => {
    const status = fold([
      { kind: 'answer-file-served', answer: 'kickstart', client: '10.0.0.7', generation: 1 },
      { kind: 'installer-started' },
      { kind: 'installer-started' },
      phase('preflight', 'started'),
      phase('preflight', 'failed', { message: 'no' }),
      phase('preflight', 'started', { run: 'bbbbbbbb' }),
      { kind: 'answer-file-served', answer: 'kickstart', client: '10.0.0.7', generation: 2 },
    ]);
    expect(status.installs.map((install) => [install.install, install.state])).toEqual([[4, 'waiting'], [3, 'installing'], [2, 'failed'], [1, 'installing']]);
  });

  test('at most `keep` installs are remembered, and the newest event ids', () => {
    const status = fold(Array.from({ length: 6 }, (_, index) => ({ kind: 'answer-file-served', answer: 'kickstart', client: 'x', generation: index + 1 })), 3);
    expect(status.installs.map((install) => install.install)).toEqual([6, 5, 4]);
    expect(status.recentIds).toHaveLength(6);
    expect(status.seq).toBe(6);
  });
});

describe('the byte budget', () => {
  const retention = { ...defaultEventRetention, maxHostBytes: 1000, reserveBytes: 200 };
  test.each([
    [500, 100, 0, false, 'log'],
    [950, 100, 2, true, 'drop-oldest'],
    [950, 100, 0, true, 'thin'],
    [950, 100, 0, false, 'log'],
    [1150, 100, 0, false, 'refuse'],
  ] as const)('used %i + %i bytes, %i older logs, progress %s: %s', (used, line, older, progress, verdict) => {
    expect(budgetVerdict(retention, used, line, older, progress)).toBe(verdict);
  });
});

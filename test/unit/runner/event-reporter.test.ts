import { describe, expect, test } from 'vitest';
import type { PhaseEvent, RunnerEvent } from '../../../src/protocol/host-event.js';
import { createEventReporter } from '../../../src/runner/event-reporter.js';
import { buildEvent } from '../../../src/runner/events.js';
import type { ServerApi } from '../../../src/runner/server-api.js';

const at = new Date('2025-05-01T10:00:00.000Z');
const event = (phase: PhaseEvent['phase'], status: PhaseEvent['status'] = 'started', message?: string): PhaseEvent =>
  buildEvent('web07', phase, status, at, message === undefined ? {} : { message }, 'abcdef12');
const recorder = () => {
  const lines: string[] = [];
  return { lines, log: { write: (line: string) => void lines.push(line), attach: () => undefined }, stderr: { write: (text: string) => lines.push(`stderr:${text}`) } };
};
const describeSent = (sent: RunnerEvent): string => (sent.kind === 'phase' ? `${sent.phase}:${sent.status}` : sent.kind);

describe('event reporter', () => {
  test('delivers runner-started, then the events one at a time in the order reported, even when early ones are slow', async () => {
    const delivered: string[] = [];
    const api: Pick<ServerApi, 'postEvent'> = {
      postEvent: async (sent) => {
        await new Promise((resolve) => setTimeout(resolve, sent.kind === 'phase' && sent.phase === 'preflight' ? 30 : 1));
        delivered.push(describeSent(sent));
        return undefined;
      },
    };
    const { log, stderr } = recorder();
    const reporter = createEventReporter({ api, log, stderr });
    reporter.report(event('preflight'));
    reporter.report(event('preflight', 'succeeded'));
    reporter.report(event('ram-copy'));
    await reporter.flush(5000);
    expect(delivered).toEqual(['runner-started', 'preflight:started', 'preflight:succeeded', 'ram-copy:started']);
  });

  test('every event has its own id; runner-started names the run and the time of the first event', async () => {
    const sent: RunnerEvent[] = [];
    const reporter = createEventReporter({ api: { postEvent: async (each) => void sent.push(each) }, ...recorder() });
    reporter.report(event('preflight'));
    reporter.report(event('preflight', 'succeeded'));
    await reporter.flush(5000);
    expect(sent[0]).toMatchObject({ v: 2, kind: 'runner-started', host: 'web07', run: 'abcdef12', at: at.toISOString(), via: 'install' });
    expect(new Set(sent.map((each) => each.id)).size).toBe(3);
    expect(sent.every((each) => /^[0-9a-f]{24}$/.test(each.id))).toBe(true);
  });

  test('a failure carries the last log lines before it', async () => {
    const sent: RunnerEvent[] = [];
    const reporter = createEventReporter({ api: { postEvent: async (each) => void sent.push(each) }, ...recorder() });
    reporter.report(event('preflight'));
    reporter.report(event('preflight', 'succeeded'));
    reporter.report(event('sync-image'));
    reporter.report(event('sync-image', 'failed', '[INTERRUPTED] rsync was killed'));
    await reporter.flush(5000);
    const failed = sent.at(-1) as PhaseEvent;
    expect(failed).toMatchObject({ phase: 'sync-image', status: 'failed', message: '[INTERRUPTED] rsync was killed' });
    expect(failed.log?.map((line) => line.replace(/^\S+ /, ''))).toEqual(['runner started (run abcdef12)', 'preflight started', 'preflight succeeded', 'sync-image started']);
  });

  test('a running phase that says nothing is heard from anyway (a progress event without numbers), until it ends', async () => {
    const sent: RunnerEvent[] = [];
    const reporter = createEventReporter({ api: { postEvent: async (each) => void sent.push(each) }, ...recorder(), heartbeatMs: 60 });
    reporter.report(event('sync-image'));
    await new Promise((resolve) => setTimeout(resolve, 400));
    const heartbeats = sent.filter((each) => each.kind === 'phase' && each.status === 'progress');
    expect(heartbeats.length).toBeGreaterThanOrEqual(2);
    expect(heartbeats[0]).toMatchObject({ phase: 'sync-image', run: 'abcdef12' });
    expect(heartbeats[0]).not.toHaveProperty('percent');
    reporter.report(event('sync-image', 'succeeded'));
    await reporter.flush(5000);
    const settled = sent.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sent.length).toBe(settled);
  });

  test('a server that refuses events is noted once in the log; every event is still logged locally', async () => {
    const api: Pick<ServerApi, 'postEvent'> = { postEvent: async () => 'HTTP 503' };
    const { lines, log, stderr } = recorder();
    const reporter = createEventReporter({ api, log, stderr });
    for (const phase of ['preflight', 'ram-copy', 'mount'] as const) reporter.report(event(phase));
    await reporter.flush(5000);
    expect(lines.filter((line) => line.includes('did not take an event (HTTP 503)'))).toHaveLength(1);
    expect(lines.filter((line) => !line.startsWith('stderr:') && / started$/.test(line))).toHaveLength(3);
  });

  test('flush gives up after its timeout when the server hangs; progress is dropped while the backlog is full', async () => {
    let posted = 0;
    const api: Pick<ServerApi, 'postEvent'> = { postEvent: () => { posted += 1; return new Promise(() => undefined); } };
    const { log, stderr } = recorder();
    const reporter = createEventReporter({ api, log, stderr, maxBacklog: 2, heartbeatMs: 60_000 });
    reporter.report(event('sync-image'));
    reporter.report(event('sync-image', 'progress'));
    reporter.report(event('sync-image', 'progress'));
    reporter.report(event('sync-image', 'succeeded'));
    const flushed = await Promise.race([reporter.flush(50).then(() => 'flushed'), new Promise((resolve) => setTimeout(() => resolve('hung'), 2000))]);
    expect(flushed).toBe('flushed');
    expect(posted).toBe(1); // runner-started never finishes; the rest wait behind it
  });
});

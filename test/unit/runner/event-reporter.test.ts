import { describe, expect, test } from 'vitest';
import type { RunnerEvent } from '../../../src/protocol/deploy-protocol.js';
import { createEventReporter } from '../../../src/runner/event-reporter.js';
import { buildEvent } from '../../../src/runner/events.js';
import type { ServerApi } from '../../../src/runner/server-api.js';

const at = new Date('2025-05-01T10:00:00.000Z');
const event = (phase: RunnerEvent['phase'], status: RunnerEvent['status'] = 'started'): RunnerEvent => buildEvent('web07', phase, status, at);
const recorder = () => {
  const lines: string[] = [];
  return { lines, log: { write: (line: string) => void lines.push(line), attach: () => undefined }, stderr: { write: (text: string) => lines.push(`stderr:${text}`) } };
};

describe('event reporter', () => {
  test('delivers events one at a time in the order reported, even when early ones are slow', async () => {
    const delivered: string[] = [];
    const api: Pick<ServerApi, 'postEvent'> = {
      postEvent: async (sent) => {
        await new Promise((resolve) => setTimeout(resolve, sent.phase === 'preflight' ? 30 : 1));
        delivered.push(`${sent.phase}:${sent.status}`);
        return undefined;
      },
    };
    const { log, stderr } = recorder();
    const reporter = createEventReporter({ api, log, stderr });
    reporter.report(event('preflight'));
    reporter.report(event('preflight', 'succeeded'));
    reporter.report(event('ram-copy'));
    await reporter.flush(5000);
    expect(delivered).toEqual(['preflight:started', 'preflight:succeeded', 'ram-copy:started']);
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
    const reporter = createEventReporter({ api, log, stderr, maxBacklog: 2 });
    reporter.report(event('sync-image'));
    reporter.report(event('sync-image', 'progress'));
    reporter.report(event('sync-image', 'progress'));
    reporter.report(event('sync-image', 'succeeded'));
    const flushed = await Promise.race([reporter.flush(50).then(() => 'flushed'), new Promise((resolve) => setTimeout(() => resolve('hung'), 2000))]);
    expect(flushed).toBe('flushed');
    expect(posted).toBe(1); // the first never finishes; the rest wait behind it
  });
});

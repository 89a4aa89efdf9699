import type { HomePaths } from '../../src/home/paths.js';
import type { PhaseEvent, StoredEvent } from '../../src/protocol/host-event.js';
import { listEventSegments, streamEvents } from '../../src/state/event-segments.js';

export type StoredPhaseEvent = PhaseEvent & StoredEvent;

/** Every event serve kept for `host`, over all its install logs, in the order they were stored. */
export const storedEvents = async (paths: HomePaths, host: string): Promise<StoredEvent[]> => {
  const events: StoredEvent[] = [];
  for (const segment of await listEventSegments(paths, host)) {
    for await (const { event } of streamEvents(segment.file)) events.push(event);
  }
  return events;
};

/** Only the runner's phase reports (what the deploy tests count and time). */
export const storedPhaseEvents = async (paths: HomePaths, host: string): Promise<StoredPhaseEvent[]> =>
  (await storedEvents(paths, host)).filter((event): event is StoredPhaseEvent => event.kind === 'phase');

import { appendFile, mkdir, rm, truncate } from 'node:fs/promises';
import type { HostEvent, StoredEvent } from '../protocol/host-event.js';
import type { HomePaths } from '../home/paths.js';
import { writeFileAtomic } from '../sys/atomic-write.js';
import { applyStoredEvent, installForEvent } from './apply-event.js';
import { replayHostStatus } from './event-read.js';
import { budgetVerdict, defaultEventRetention, type EventRetention } from './event-retention.js';
import { currentInstall, type HostStatus } from './host-status.js';
import { hostStateLayout } from './layout.js';

export interface EventStoreOptions {
  paths: HomePaths;
  now: () => Date;
  /** A function is asked at every use, so a reload of serve's settings applies to the next event. @default defaultEventRetention */
  retention?: Partial<EventRetention> | (() => Partial<EventRetention>);
  /** How long a host's status checkpoint may lag behind its log (readers replay the rest). @default 1000 */
  checkpointDelayMs?: number;
}

/** What serve itself knows about an event: where it came from, which version it handed out. */
export interface EventFacts {
  from?: string;
  ref?: string;
}

export type AppendOutcome =
  | { kind: 'stored'; event: StoredEvent }
  /** Its id was stored already: a retried post. */
  | { kind: 'duplicate' }
  /** A progress event over the host's byte cap: in the live status, not in the log. */
  | { kind: 'thinned'; event: StoredEvent }
  /** Over the byte cap and its reserve: refused, nothing stored. */
  | { kind: 'full'; limitBytes: number };

export interface StoreChange {
  host: string;
  status: HostStatus;
  event: StoredEvent;
}

export interface EventStore {
  /** Stores one event after the host's earlier ones (in order, once per id); resolves once it is in the log. */
  append(host: string, event: HostEvent, facts?: EventFacts): Promise<AppendOutcome>;
  status(host: string): Promise<HostStatus>;
  /** Called after every stored or thinned event. */
  subscribe(listener: (change: StoreChange) => void): () => void;
  /** Writes every pending checkpoint. */
  close(): Promise<void>;
}

interface HostSlot {
  status: HostStatus;
  /** Bytes of each install's log on disk. */
  sizes: Map<number, number>;
  queue: Promise<unknown>;
  timer?: NodeJS.Timeout;
  dirty: boolean;
}

const total = (sizes: ReadonlyMap<number, number>): number => [...sizes.values()].reduce((sum, bytes) => sum + bytes, 0);

/**
 * serve's per-host event storage: one append-only log per install under state/hosts/<host>/events/,
 * a checkpoint of the host's status beside it (atomic, at most `checkpointDelayMs` behind), both
 * bounded by `retention`. Each host's events are stored one at a time, in arrival order.
 */
export const openEventStore = (options: EventStoreOptions): EventStore => {
  const retentionNow = (): EventRetention => ({ ...defaultEventRetention, ...(typeof options.retention === 'function' ? options.retention() : options.retention) });
  const layout = hostStateLayout(options.paths);
  const slots = new Map<string, Promise<HostSlot>>();
  const listeners = new Set<(change: StoreChange) => void>();
  const delay = options.checkpointDelayMs ?? 1000;

  const load = async (host: string): Promise<HostSlot> => {
    const replayed = await replayHostStatus(options.paths, host, retentionNow().keepInstalls);
    const newest = replayed.segments.at(-1);
    // A torn last line (serve died mid-append) is cut, so the next event starts on a line of its own.
    if (newest !== undefined && replayed.completeBytes < newest.bytes) await truncate(newest.file, replayed.completeBytes);
    const sizes = new Map(replayed.segments.map((segment) => [segment.install, segment === newest ? replayed.completeBytes : segment.bytes]));
    return { status: replayed.status, sizes, queue: Promise.resolve(), dirty: false };
  };
  const slotOf = (host: string): Promise<HostSlot> => {
    let slot = slots.get(host);
    if (slot === undefined) {
      slot = load(host);
      slots.set(host, slot);
      slot.catch(() => slots.delete(host));
    }
    return slot;
  };
  const enqueue = <T>(slot: HostSlot, work: () => Promise<T>): Promise<T> => {
    const run = slot.queue.catch(() => undefined).then(work);
    slot.queue = run;
    return run;
  };
  const writeCheckpoint = async (host: string, slot: HostSlot): Promise<void> => {
    if (!slot.dirty) return;
    slot.dirty = false;
    await mkdir(layout.hostDir(host), { recursive: true, mode: 0o700 });
    await writeFileAtomic(layout.statusFile(host), `${JSON.stringify({ ...slot.status, keepInstalls: retentionNow().keepInstalls })}\n`, { mode: 0o600 });
  };
  const scheduleCheckpoint = (host: string, slot: HostSlot): void => {
    slot.dirty = true;
    if (slot.timer !== undefined) return;
    slot.timer = setTimeout(() => {
      slot.timer = undefined;
      void enqueue(slot, () => writeCheckpoint(host, slot)).catch(() => (slot.dirty = true));
    }, delay);
    slot.timer.unref();
  };
  const dropLog = async (host: string, slot: HostSlot, install: number): Promise<void> => {
    await rm(layout.eventSegmentFile(host, install), { force: true });
    slot.sizes.delete(install);
    slot.status = { ...slot.status, installs: slot.status.installs.map((summary) => (summary.install === install ? { ...summary, logRemoved: true } : summary)) };
  };

  const store = async (host: string, slot: HostSlot, event: HostEvent, facts: EventFacts): Promise<AppendOutcome> => {
    if (slot.status.recentIds.includes(event.id)) return { kind: 'duplicate' };
    const retention = retentionNow();
    const install = installForEvent(slot.status, event);
    const stored = { ...event, seq: slot.status.seq + 1, install, receivedAt: options.now().toISOString(), ...facts } as StoredEvent;
    const line = `${JSON.stringify(stored)}\n`;
    const bytes = Buffer.byteLength(line);
    if (install !== currentInstall(slot.status)?.install) {
      for (const old of [...slot.sizes.keys()].filter((number) => number <= install - retention.keepInstalls)) await dropLog(host, slot, old);
    }
    const isProgress = event.kind === 'phase' && event.status === 'progress';
    for (;;) {
      const older = [...slot.sizes.keys()].filter((number) => number < install).sort((a, b) => a - b);
      const verdict = budgetVerdict(retention, total(slot.sizes), bytes, older.length, isProgress);
      if (verdict === 'refuse') return { kind: 'full', limitBytes: retention.maxHostBytes };
      if (verdict === 'drop-oldest') {
        await dropLog(host, slot, older[0] ?? install);
        continue;
      }
      if (verdict === 'log') {
        await mkdir(layout.eventsDir(host), { recursive: true, mode: 0o700 });
        await appendFile(layout.eventSegmentFile(host, install), line, { mode: 0o600 });
        slot.sizes.set(install, (slot.sizes.get(install) ?? 0) + bytes);
      }
      slot.status = { ...applyStoredEvent(slot.status, stored, retention.keepInstalls), logBytes: slot.sizes.get(install) ?? 0 };
      scheduleCheckpoint(host, slot);
      for (const listener of listeners) listener({ host, status: slot.status, event: stored });
      return verdict === 'log' ? { kind: 'stored', event: stored } : { kind: 'thinned', event: stored };
    }
  };

  return {
    append: async (host, event, facts = {}) => {
      const slot = await slotOf(host);
      return enqueue(slot, () => store(host, slot, event, facts));
    },
    status: async (host) => {
      const slot = await slotOf(host);
      // Behind the host's queue: the answer includes every event accepted before the call.
      return enqueue(slot, async () => slot.status);
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: async () => {
      const all = await Promise.all([...slots.entries()].map(async ([host, pending]) => [host, await pending.catch(() => undefined)] as const));
      await Promise.all(
        all.map(([host, slot]) => {
          if (slot === undefined) return undefined;
          clearTimeout(slot.timer);
          slot.timer = undefined;
          return enqueue(slot, () => writeCheckpoint(host, slot)).catch(() => undefined);
        }),
      );
    },
  };
};

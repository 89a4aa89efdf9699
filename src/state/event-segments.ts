import { open, readdir, stat } from 'node:fs/promises';
import type { StoredEvent } from '../protocol/host-event.js';
import type { HomePaths } from '../home/paths.js';
import { hostStateLayout } from './layout.js';

/** One install's event log on disk. */
export interface EventSegment {
  install: number;
  file: string;
  bytes: number;
}

const chunkBytes = 65_536;

const missingIsEmpty = <T>(fallback: T) => (error: NodeJS.ErrnoException): T | Promise<T> => (error.code === 'ENOENT' ? fallback : Promise.reject(error));

/** The host's install logs on disk, oldest first. */
export const listEventSegments = async (paths: HomePaths, host: string): Promise<EventSegment[]> => {
  const layout = hostStateLayout(paths);
  const names = await readdir(layout.eventsDir(host)).catch(missingIsEmpty<string[]>([]));
  const installs = names.flatMap((name) => (/^[1-9]\d*\.jsonl$/.test(name) ? [Number(name.slice(0, -6))] : [])).sort((a, b) => a - b);
  const sized = await Promise.all(
    installs.map(async (install) => {
      const file = layout.eventSegmentFile(host, install);
      const bytes = await stat(file).then((info) => info.size, missingIsEmpty(-1));
      return { install, file, bytes };
    }),
  );
  return sized.filter((segment) => segment.bytes >= 0);
};

const parseLine = (line: string): StoredEvent | undefined => {
  try {
    const value = JSON.parse(line) as StoredEvent;
    return typeof value === 'object' && value !== null && typeof value.seq === 'number' ? value : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Streams the complete lines of a log from `offset`, chunk by chunk (never the whole file): each
 * event with the offset just past its line. A torn last line (a writer caught mid-append) is not
 * yielded; lines that do not parse are skipped.
 */
export async function* streamEvents(file: string, offset = 0): AsyncGenerator<{ event: StoredEvent; end: number }> {
  const handle = await open(file, 'r').catch(missingIsEmpty(undefined));
  if (handle === undefined) return;
  try {
    let position = offset;
    let carry = Buffer.alloc(0);
    let carryStart = offset;
    const buffer = Buffer.alloc(chunkBytes);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, chunkBytes, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      let data = Buffer.concat([carry, buffer.subarray(0, bytesRead)]);
      let lineStart = carryStart;
      for (let newline = data.indexOf(10); newline !== -1; newline = data.indexOf(10)) {
        const event = parseLine(data.subarray(0, newline).toString('utf8'));
        lineStart += newline + 1;
        if (event !== undefined) yield { event, end: lineStart };
        data = data.subarray(newline + 1);
      }
      carry = Buffer.from(data);
      carryStart = lineStart;
    }
  } finally {
    await handle.close();
  }
}

/** The offset just past the last complete line (where a torn tail starts), reading backwards. */
export const completeLength = async (file: string, size: number): Promise<number> => {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(Math.min(chunkBytes, size));
    for (let end = size; end > 0; ) {
      const start = Math.max(0, end - buffer.length);
      const { bytesRead } = await handle.read(buffer, 0, end - start, start);
      const newline = buffer.subarray(0, bytesRead).lastIndexOf(10);
      if (newline !== -1) return start + newline + 1;
      end = start;
    }
    return 0;
  } finally {
    await handle.close();
  }
};

/** The last `count` events of a log, reading backwards from its end in chunks. */
export const readEventTail = async (file: string, count: number): Promise<StoredEvent[]> => {
  const handle = await open(file, 'r').catch(missingIsEmpty(undefined));
  if (handle === undefined || count <= 0) {
    await handle?.close();
    return [];
  }
  try {
    const size = (await handle.stat()).size;
    let start = size;
    let text = Buffer.alloc(0);
    const buffer = Buffer.alloc(chunkBytes);
    // One line more than wanted, so the first (maybe cut) line can be dropped.
    while (start > 0 && text.filter((byte) => byte === 10).length <= count) {
      const from = Math.max(0, start - chunkBytes);
      const { bytesRead } = await handle.read(buffer, 0, start - from, from);
      text = Buffer.concat([buffer.subarray(0, bytesRead), text]);
      start = from;
    }
    const lines = text.toString('utf8').split('\n');
    lines.pop(); // after the last newline: empty, or a torn line
    if (start > 0) lines.shift();
    return lines.flatMap((line) => parseLine(line) ?? []).slice(-count);
  } finally {
    await handle.close();
  }
};

import type { StoredEvent } from '../protocol/host-event.js';
import type { EventStore } from '../state/event-store.js';
import type { HostStatus } from '../state/host-status.js';
import { summariseFleet } from '../monitor/fleet-summary.js';
import { summaryHtml } from '../monitor/fleet-page.js';
import { buildHostRow, pxeExtras, type FleetHost, type HostRow } from '../monitor/host-row.js';
import type { PxeNext } from '../monitor/pxe-next.js';
import { hostRowHtml } from '../monitor/host-row-html.js';
import { hostLiveHtml, logLineHtml } from '../monitor/host-page.js';
import type { StallPolicy } from '../monitor/stall.js';

export interface DashboardSources {
  /** The fleet as of serve's last (re)load. */
  fleetHosts: () => readonly FleetHost[];
  store: EventStore;
  serverRate: () => number | null;
  now: () => Date;
  /** Asked at every flush (a reload may change it). */
  stall: () => StallPolicy;
  /** Each host's next PXE boot; undefined without a `pxe:` block. */
  pxeNext: () => Promise<ReadonlyMap<string, PxeNext> | undefined>;
  /** How often changes go out, coalesced per host. @default 500 */
  flushMs?: number;
  /** A comment line that keeps proxies from closing an idle stream. @default 15000 */
  keepaliveMs?: number;
}

export interface DashboardHub {
  /** A browser's event stream: the whole fleet, or one host (its page). Returns the unsubscribe. */
  subscribe(host: string | undefined, write: (text: string) => void): () => void;
  stop(): void;
}

interface Client {
  host: string | undefined;
  write: (text: string) => void;
  /** What this client was last sent, so only changes go out (cleared: send everything). */
  sent: Map<string, string>;
  lines: StoredEvent[];
}

const message = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/** What changes a row's look (the age ticks in the browser). */
const rowKey = (row: HostRow): string => JSON.stringify({ ...row, ageSeconds: null });

/**
 * Server-sent events for the dashboard: every `flushMs` the rows whose look changed, the summary when
 * it changed, and for a host page its state and new log lines. Browsers that (re)connect get it all.
 */
export const openDashboardHub = (sources: DashboardSources): DashboardHub => {
  const clients = new Set<Client>();
  const statuses = new Map<string, HostStatus>();
  let timer: NodeJS.Timeout | undefined;
  let keepalive: NodeJS.Timeout | undefined;
  let flushing = false;

  const unsubscribeStore = sources.store.subscribe(({ host, status, event }) => {
    statuses.set(host, status);
    for (const client of clients) if (client.host === host) client.lines.push(event);
  });
  const statusOf = async (host: string): Promise<HostStatus> => {
    const known = statuses.get(host);
    if (known !== undefined) return known;
    const loaded = await sources.store.status(host);
    if (!statuses.has(host)) statuses.set(host, loaded);
    return statuses.get(host) ?? loaded;
  };
  const send = (client: Client, key: string, value: string, event: string, data: unknown): void => {
    if (client.sent.get(key) === value) return;
    client.sent.set(key, value);
    client.write(message(event, data));
  };
  const flush = async (): Promise<void> => {
    const now = sources.now();
    const hosts = sources.fleetHosts();
    const loaded = await Promise.all(hosts.map(async (host) => ({ host, status: await statusOf(host.name) })));
    const pxe = await sources.pxeNext();
    const rows = loaded.map(({ host, status }) => buildHostRow(host, status, now, sources.stall(), pxeExtras(pxe, host.name)));
    const summary = summaryHtml(summariseFleet(rows, loaded.map(({ status }) => status), now, sources.serverRate()));
    for (const client of clients) {
      if (client.host === undefined) {
        rows.forEach((row) => send(client, `row:${row.host}`, rowKey(row), 'row', { host: row.host, html: hostRowHtml(row) }));
        send(client, 'summary', summary, 'summary', { html: summary });
        continue;
      }
      const index = rows.findIndex((row) => row.host === client.host);
      const row = rows[index];
      const status = loaded[index]?.status;
      if (row === undefined || status === undefined) continue;
      send(client, 'host', `${rowKey(row)}${status.seq}`, 'host', { html: hostLiveHtml({ row, status, now }) });
      for (const event of client.lines.splice(0)) client.write(message('line', { install: event.install, html: logLineHtml(event) }));
    }
  };
  const tick = (): void => {
    if (flushing) return;
    flushing = true;
    flush()
      .catch(() => undefined)
      .finally(() => {
        flushing = false;
      });
  };
  const stopTimers = (): void => {
    clearInterval(timer);
    clearInterval(keepalive);
    timer = undefined;
    keepalive = undefined;
  };
  return {
    subscribe: (host, write) => {
      const client: Client = { host, write, sent: new Map(), lines: [] };
      clients.add(client);
      write(': connected\n\n');
      if (timer === undefined) {
        timer = setInterval(tick, sources.flushMs ?? 500);
        keepalive = setInterval(() => clients.forEach((each) => each.write(': keepalive\n\n')), sources.keepaliveMs ?? 15_000);
      }
      tick();
      return () => {
        clients.delete(client);
        if (clients.size === 0) stopTimers();
      };
    },
    stop: () => {
      stopTimers();
      unsubscribeStore();
      clients.clear();
    },
  };
};

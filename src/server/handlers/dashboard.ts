import { dashboardScript } from '../../monitor/dashboard-script.js';
import { summariseFleet } from '../../monitor/fleet-summary.js';
import { renderFleetPage } from '../../monitor/fleet-page.js';
import { buildHostRow, pxeExtras, type HostRow } from '../../monitor/host-row.js';
import { renderHostPage } from '../../monitor/host-page.js';
import { listEventSegments, readEventTail } from '../../state/event-segments.js';
import { readEventPage } from '../../state/event-read.js';
import { currentInstall, type HostStatus } from '../../state/host-status.js';
import { refuseDashboard } from '../dashboard-access.js';
import { htmlReply, jsonReply, textReply, type Reply } from '../reply.js';
import type { Route } from '../routes.js';
import { fleetHostsOf } from '../serve-fleet.js';
import type { HandlerContext } from './context.js';

type Handler<K extends Route['kind']> = (route: Extract<Route, { kind: K }>, context: HandlerContext) => Promise<Reply>;

/** Log lines a host page shows. */
const tailLength = 200;

/** Every dashboard route answers only after the access check (open on loopback, else the password). */
const guarded = <K extends Route['kind']>(handler: Handler<K>): Handler<K> => async (route, context) =>
  refuseDashboard(context.dashboard.access, context.request.authorization) ?? handler(route, context);

const fleetView = async (context: HandlerContext): Promise<{ rows: HostRow[]; statuses: HostStatus[] }> => {
  const now = context.now();
  const hosts = fleetHostsOf(context.fleet);
  const [statuses, pxe] = await Promise.all([Promise.all(hosts.map((host) => context.events.status(host.name))), context.dashboard.pxeNext()]);
  return { rows: hosts.map((host, index) => buildHostRow(host, statuses[index] as HostStatus, now, context.dashboard.stall, pxeExtras(pxe, host.name))), statuses };
};

const unknownHost = (host: string): Reply => textReply(404, `no host named "${host}" in the inventory`);

export const dashboardPage = guarded<'dashboard'>(async (route, context) => {
  const { rows, statuses } = await fleetView(context);
  const now = context.now();
  const groups = [...new Set(rows.flatMap((row) => row.groups))].sort();
  return htmlReply(200, renderFleetPage({ rows, summary: summariseFleet(rows, statuses, now, context.dashboard.serverRate()), groups, filter: route.filter, now }));
});

export const dashboardHost = guarded<'dashboard-host'>(async (route, context) => {
  const host = fleetHostsOf(context.fleet).find((candidate) => candidate.name === route.host);
  if (host === undefined) return unknownHost(route.host);
  const now = context.now();
  const status = await context.events.status(host.name);
  const segments = await listEventSegments(context.paths, host.name);
  const install = route.install ?? currentInstall(status)?.install;
  const segment = segments.find((candidate) => candidate.install === install);
  if (route.install !== undefined && segment === undefined) return textReply(404, `host ${host.name} has no log of install #${route.install} (kept: ${segments.map((each) => `#${each.install}`).join(', ') || 'none'})`);
  const events = segment === undefined ? [] : await readEventTail(segment.file, tailLength);
  const row = buildHostRow(host, status, now, context.dashboard.stall, pxeExtras(await context.dashboard.pxeNext(), host.name));
  return htmlReply(200, renderHostPage({ row, status, now, log: { install: segment?.install ?? null, installs: segments.map((each) => each.install), events } }));
});

export const dashboardScriptFile = guarded<'dashboard-script'>(async () => ({
  kind: 'body',
  status: 200,
  contentType: 'text/javascript; charset=utf-8',
  body: dashboardScript,
  headers: { 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' },
}));

export const dashboardFleet = guarded<'dashboard-fleet'>(async (_route, context) => {
  const { rows, statuses } = await fleetView(context);
  return jsonReply(200, { summary: summariseFleet(rows, statuses, context.now(), context.dashboard.serverRate()), hosts: rows });
});

export const dashboardStream = guarded<'dashboard-stream'>(async (route, context) => {
  if (route.host !== undefined && !context.fleet.hosts.some((host) => host.name === route.host)) return unknownHost(route.host);
  return { kind: 'stream', contentType: 'text/event-stream; charset=utf-8', open: (write) => context.dashboard.hub.subscribe(route.host, write) };
});

export const dashboardEvents = guarded<'dashboard-events'>(async (route, context) => {
  if (!context.fleet.hosts.some((host) => host.name === route.host)) return unknownHost(route.host);
  return jsonReply(200, await readEventPage(context.paths, route.host, route.page));
});

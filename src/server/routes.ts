import { apiPrefix, firstBootFiles, type FirstBootFile } from '../protocol/deploy-protocol.js';
import { normaliseMac } from '../inventory/mac.js';
import { hostNameProblem } from '../inventory/names.js';
import { matchPayloadRoute, type PayloadRoute } from './payload-routes.js';
import type { EventPageQuery } from '../state/event-read.js';
import { parseEventPageQuery, parseFleetQuery, parseHostPageQuery, parseStreamQuery, parseUpdateQuery, type QueryParse, type UpdateQuery } from './route-query.js';

export type AnswerKind = 'kickstart' | 'preseed';

/** Every request serve understands; a new kind does not compile without its handler (see handlers/index.ts). */
export type Route =
  | { kind: 'answer-by-host'; answer: AnswerKind; host: string }
  | { kind: 'answer-by-mac'; answer: AnswerKind; mac: string }
  | { kind: 'bootstrap' }
  | { kind: 'first-boot'; file: FirstBootFile }
  | { kind: 'runner-bundle' }
  | { kind: 'node-binary' }
  | { kind: 'deploy'; host: string }
  | { kind: 'update'; host: string; query: UpdateQuery }
  | { kind: 'enroll'; host: string }
  | { kind: 'post-event'; host: string }
  | { kind: 'list-events'; host: string; page: EventPageQuery }
  | { kind: 'health' }
  | { kind: 'boot-file'; path: string }
  | { kind: 'dashboard'; filter: { group?: string; state?: string } }
  | { kind: 'dashboard-host'; host: string; install?: number }
  | { kind: 'dashboard-script' }
  | { kind: 'dashboard-fleet' }
  | { kind: 'dashboard-stream'; host?: string }
  | { kind: 'dashboard-events'; host: string; page: EventPageQuery }
  | PayloadRoute;

export type RouteMatch = { ok: true; route: Route } | { ok: false; status: 400 | 404 | 405; reason: string; allow?: string };

const answerPrefixes: Record<string, AnswerKind> = { ks: 'kickstart', preseed: 'preseed' };

// Anything that could climb out of a path or hide a separator is refused before routing, decoded or not.
const suspicious = /%2e|%2f|%5c|%00|\\|\0/i;

const bad = (reason: string): RouteMatch => ({ ok: false, status: 400, reason });
const notFound = (path: string): RouteMatch => ({ ok: false, status: 404, reason: `no such resource: ${path}` });

const withHost = (text: string, make: (host: string) => Route): RouteMatch => {
  const problem = hostNameProblem(text);
  return problem === undefined ? { ok: true, route: make(text) } : bad(problem);
};

const methodFor = (method: string, wanted: string, route: RouteMatch): RouteMatch =>
  !route.ok || method === wanted || (wanted === 'GET' && method === 'HEAD')
    ? route
    : { ok: false, status: 405, reason: `${method} is not allowed here; use ${wanted}`, allow: wanted };

/** A route whose query string must parse (the listing, dashboard pages); a bad one is a 400. */
const withQuery = <T>(parsed: QueryParse<T>, make: (value: T) => RouteMatch): RouteMatch => (parsed.ok ? make(parsed.value) : bad(parsed.reason));

/** The dashboard's pages and feeds (GET only, read-only). */
const dashboardRoute = (method: string, path: string, rawTarget: string, decoded: readonly string[]): RouteMatch | undefined => {
  const get = (route: RouteMatch): RouteMatch => methodFor(method, 'GET', route);
  if (path === '/') return get(withQuery(parseFleetQuery(rawTarget), (filter) => ({ ok: true, route: { kind: 'dashboard', filter } })));
  if (path === '/dashboard/app.js') return get({ ok: true, route: { kind: 'dashboard-script' } });
  if (path === '/dashboard/fleet.json') return get({ ok: true, route: { kind: 'dashboard-fleet' } });
  if (path === '/dashboard/stream') return get(withQuery(parseStreamQuery(rawTarget), (query) => ({ ok: true, route: { kind: 'dashboard-stream', ...query } })));
  const [first, second, third, fourth, fifth] = decoded;
  if (first === 'hosts' && second !== undefined && third === undefined) {
    return get(withQuery(parseHostPageQuery(rawTarget), (query) => withHost(second, (host) => ({ kind: 'dashboard-host', host, ...query }))));
  }
  if (first === 'dashboard' && second === 'hosts' && third !== undefined && fourth === 'events' && fifth === undefined) {
    return get(withQuery(parseEventPageQuery(rawTarget), (page) => withHost(third, (host) => ({ kind: 'dashboard-events', host, page }))));
  }
  return undefined;
};

/** Pure: maps a method and the raw request target to a route or a 4xx reason (the query only where a route takes one). */
export const matchRoute = (method: string, rawTarget: string): RouteMatch => {
  const path = rawTarget.split('?', 1)[0] ?? '';
  if (!path.startsWith('/')) return bad('the request target must be an absolute path');
  if (suspicious.test(path)) return bad('encoded dots, slashes, backslashes and NUL bytes are not allowed in paths');
  const segments = path.slice(1).split('/');
  if (segments.some((segment) => segment === '..' || segment === '.')) return bad('"." and ".." are not allowed in paths');
  if (segments.slice(0, -1).some((segment) => segment === '')) return bad('empty path segments are not allowed');
  let decoded: string[];
  try {
    decoded = segments.map((segment) => decodeURIComponent(segment));
  } catch {
    return bad('the path is not valid percent-encoding');
  }
  const dashboard = dashboardRoute(method, path, rawTarget, decoded);
  if (dashboard !== undefined) return dashboard;
  const [first = '', second, third, fourth, fifth, ...rest] = decoded;
  const answer = answerPrefixes[first];
  if (answer !== undefined) {
    if (second === 'mac' && third !== undefined && fourth === undefined) {
      const parsed = normaliseMac(third);
      if (!parsed.ok) return bad(`"${third}" is not a MAC address (52:54:00:12:34:56, 52-54-00-12-34-56, 5254.0012.3456)`);
      return methodFor(method, 'GET', { ok: true, route: { kind: 'answer-by-mac', answer, mac: parsed.mac } });
    }
    if (second !== undefined && third === undefined) return methodFor(method, 'GET', withHost(second, (host) => ({ kind: 'answer-by-host', answer, host })));
    return notFound(path);
  }
  if (first === 'pxe' && decoded.length > 1 && decoded.every((segment) => segment !== '')) {
    return methodFor(method, 'GET', { ok: true, route: { kind: 'boot-file', path: decoded.slice(1).join('/') } });
  }
  const fixed: Record<string, Route> = {
    '/boot/bootstrap.sh': { kind: 'bootstrap' },
    [`/boot/${firstBootFiles.script}`]: { kind: 'first-boot', file: 'script' },
    [`/boot/${firstBootFiles.unit}`]: { kind: 'first-boot', file: 'unit' },
    '/runner/runner.cjs': { kind: 'runner-bundle' },
    '/runner/node': { kind: 'node-binary' },
    '/healthz': { kind: 'health' },
  };
  const fixedRoute = fixed[path];
  if (fixedRoute !== undefined) return methodFor(method, 'GET', { ok: true, route: fixedRoute });
  const payload = `/${first}/${second}` === apiPrefix && third === 'hosts' && fourth !== undefined ? matchPayloadRoute(fourth, fifth, rest, rawTarget) : undefined;
  if (payload !== undefined) return methodFor(method, 'GET', payload);
  if (`/${first}/${second}` === apiPrefix && third === 'hosts' && fourth !== undefined && rest.length === 0) {
    if (fifth === 'deploy') return methodFor(method, 'GET', withHost(fourth, (host) => ({ kind: 'deploy', host })));
    if (fifth === 'update') return methodFor(method, 'GET', withQuery(parseUpdateQuery(rawTarget), (query) => withHost(fourth, (host) => ({ kind: 'update', host, query }))));
    if (fifth === 'credential') return methodFor(method, 'POST', withHost(fourth, (host) => ({ kind: 'enroll', host })));
    if (fifth === 'events') {
      if (method === 'POST') return withHost(fourth, (host) => ({ kind: 'post-event', host }));
      if (method === 'GET' || method === 'HEAD') return withQuery(parseEventPageQuery(rawTarget), (page) => withHost(fourth, (host) => ({ kind: 'list-events', host, page })));
      return { ok: false, status: 405, reason: `${method} is not allowed here; use GET or POST`, allow: 'GET, POST' };
    }
  }
  return notFound(path);
};

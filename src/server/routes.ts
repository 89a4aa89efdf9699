import { apiPrefix, firstBootFiles, type FirstBootFile } from '../protocol/deploy-protocol.js';
import { normaliseMac } from '../inventory/mac.js';
import { hostNameProblem } from '../inventory/names.js';

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
  | { kind: 'enroll'; host: string }
  | { kind: 'post-event'; host: string }
  | { kind: 'list-events'; host: string }
  | { kind: 'health' };

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

/** Pure: maps a method and the raw request target (query ignored) to a route or a 4xx reason. */
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
  if (`/${first}/${second}` === apiPrefix && third === 'hosts' && fourth !== undefined && rest.length === 0) {
    if (fifth === 'deploy') return methodFor(method, 'GET', withHost(fourth, (host) => ({ kind: 'deploy', host })));
    if (fifth === 'credential') return methodFor(method, 'POST', withHost(fourth, (host) => ({ kind: 'enroll', host })));
    if (fifth === 'events') {
      if (method === 'POST') return withHost(fourth, (host) => ({ kind: 'post-event', host }));
      if (method === 'GET' || method === 'HEAD') return withHost(fourth, (host) => ({ kind: 'list-events', host }));
      return { ok: false, status: 405, reason: `${method} is not allowed here; use GET or POST`, allow: 'GET, POST' };
    }
  }
  return notFound(path);
};

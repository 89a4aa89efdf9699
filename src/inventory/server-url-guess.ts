import type { RouteFacts } from '../sys/default-route.js';

export type ServerUrlGuess = { ok: true; url: string; interface: string; address: string } | { ok: false; problem: string };

interface DefaultRoute {
  interface: string;
  metric: number;
}

// /proc/net/route: Iface Destination Gateway Flags RefCnt Use Metric Mask ...; RTF_UP is flag 0x1.
const defaultRoutes = (table: string): DefaultRoute[] =>
  table
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length >= 8 && fields[1] === '00000000' && fields[7] === '00000000' && (Number.parseInt(fields[3] ?? '0', 16) & 1) === 1)
    .map((fields) => ({ interface: fields[0] ?? '', metric: Number(fields[6]) }))
    .sort((a, b) => a.metric - b.metric);

/**
 * The URL installing hosts most likely reach this machine's `rootcast serve` at: the IPv4 address of
 * the interface the default route leaves through, with serve's default port. Pure.
 */
export const guessServerUrl = (facts: RouteFacts, port: number): ServerUrlGuess => {
  const [route] = defaultRoutes(facts.routeTable);
  if (route === undefined) return { ok: false, problem: 'this machine has no IPv4 default route' };
  const address = (facts.interfaces[route.interface] ?? []).find((info) => info.family === 'IPv4' && !info.internal)?.address;
  if (address === undefined) return { ok: false, problem: `the default route's interface ${route.interface} has no IPv4 address` };
  return { ok: true, url: `http://${address}:${port}`, interface: route.interface, address };
};

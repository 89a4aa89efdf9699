import { imageNameProblem } from '../image/name.js';
import { hostNameProblem } from '../inventory/names.js';

/** The BitTorrent side of serve (docs/fanout.md): a host's view of a payload, and the tracker it announces to. */
export type PayloadRoute =
  | { kind: 'payload-file'; host: string; image: string; version: number; file: 'archive' | 'torrent' }
  | { kind: 'announce'; host: string; target: string };

type Match = { ok: true; route: PayloadRoute } | { ok: false; status: 400 | 404; reason: string };

const payloadName = /^(.+)@([1-9]\d{0,8})\.(tar\.zst|torrent)$/;

/**
 * Pure: `/api/v1/hosts/<host>/payload/<image>@<version>.{tar.zst,torrent}` and `/api/v1/hosts/<host>/announce`
 * (segments after the host given), or undefined when the path is none of them.
 */
export const matchPayloadRoute = (host: string, fifth: string | undefined, rest: readonly string[], rawTarget: string): Match | undefined => {
  const isFile = fifth === 'payload' && rest.length === 1;
  const isAnnounce = fifth === 'announce' && rest.length === 0;
  if (!isFile && !isAnnounce) return undefined;
  const hostProblem = hostNameProblem(host);
  if (hostProblem !== undefined) return { ok: false, status: 400, reason: hostProblem };
  if (isAnnounce) return { ok: true, route: { kind: 'announce', host, target: rawTarget } };
  const name = rest[0] ?? '';
  const parsed = payloadName.exec(name);
  if (parsed === null || imageNameProblem(parsed[1] ?? '') !== undefined) {
    return { ok: false, status: 404, reason: `no payload "${name}": payloads are named IMAGE@VERSION.tar.zst and IMAGE@VERSION.torrent` };
  }
  return { ok: true, route: { kind: 'payload-file', host, image: parsed[1] ?? '', version: Number(parsed[2]), file: parsed[3] === 'torrent' ? 'torrent' : 'archive' } };
};

import { readFile, stat } from 'node:fs/promises';
import type { ResolvedVersion } from '../../image/versions.js';
import { buildTorrentFile, readTorrentInfo } from '../../payload/torrent.js';
import { chooseTransport, defaultTransport } from '../../payload/transport.js';
import { hostApiPath, type DeployTransport } from '../../protocol/deploy-protocol.js';
import { parseRange } from '../byte-range.js';
import { formatListenAddress, isWildcardAddress } from '../listen-address.js';
import type { PayloadRoute } from '../payload-routes.js';
import { textReply, type Reply } from '../reply.js';
import type { ServeHost } from '../serve-fleet.js';
import { findHostByName } from '../serve-fleet.js';
import { parseAnnounce, trackerFailure } from '../tracker.js';
import type { HandlerContext } from './context.js';
import { authenticateHost } from './host-auth.js';

const imageOf = (ref: string): string => ref.split('@', 1)[0] ?? ref;

/** The address the host used to reach us (its Host header when that is a plain host:port), for the torrent's URLs. */
const originFor = (context: HandlerContext): string => {
  const host = context.request.host;
  if (host !== undefined && /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host)) return `http://${host}`;
  return `http://${context.request.localAddress ?? '127.0.0.1'}`;
};

/** The tracker's own listener when it has one: its address, or for a wildcard the host the client used for HTTP. */
const trackerOriginFor = (context: HandlerContext, origin: string): string => {
  const listen = context.trackerListen;
  if (listen === undefined) return origin;
  const host = isWildcardAddress(listen.address) ? origin.replace(/^http:\/\//, '').replace(/:\d+$/, '') : formatListenAddress({ ...listen, port: 0 }).replace(/:0$/, '');
  return `http://${host}:${listen.port}`;
};

/** Host credential or install token of the host in the URL, and the host must be set to the payload's image (as for its rsync module). */
const authorise = async (context: HandlerContext, hostName: string, image?: string): Promise<{ ok: true; host: ServeHost } | { ok: false; reply: Reply }> => {
  const auth = await authenticateHost(context, hostName, ['install', 'host']);
  if (!auth.ok) return auth;
  const host = findHostByName(context.fleet, hostName);
  if (host === undefined) return { ok: false, reply: textReply(404, `no host named "${hostName}" in the inventory`) };
  if (image !== undefined && imageOf(host.imageRef) !== image) {
    return { ok: false, reply: textReply(403, `host ${hostName} installs image ${imageOf(host.imageRef)}, not ${image}`) };
  }
  return { ok: true, host };
};

/** `GET …/payload/IMAGE@V.torrent` (the URLs made for this host) and `…/payload/IMAGE@V.tar.zst` (the web seed, with Range). */
export const payloadFile = async (route: Extract<PayloadRoute, { kind: 'payload-file' }>, context: HandlerContext): Promise<Reply> => {
  const allowed = await authorise(context, route.host, route.image);
  if (!allowed.ok) return allowed.reply;
  const published = await context.payloads.find(route.image, route.version);
  if (published === undefined) return textReply(404, `${route.image}@${route.version} has no payload; publish it with "rootcast image publish ${route.image}@${route.version}"`);
  if (route.file === 'torrent') {
    const origin = originFor(context);
    const trackerOrigin = trackerOriginFor(context, origin);
    const info = readTorrentInfo(await readFile(published.files.torrent));
    const torrent = buildTorrentFile(info, {
      announce: `${trackerOrigin}${hostApiPath(route.host, 'announce')}`,
      webSeed: `${origin}${hostApiPath(route.host, `payload/${published.files.archiveName}`)}`,
    });
    return { kind: 'body', status: 200, contentType: 'application/x-bittorrent', body: torrent };
  }
  const size = (await stat(published.files.archive)).size;
  const range = parseRange(context.request.range, size);
  if (range.kind === 'unsatisfiable') return textReply(416, `the payload has ${size} bytes`, { 'content-range': `bytes */${size}` });
  const swarm = { infoHash: published.record.infoHash, pieceLength: published.record.pieceLength, size };
  const pace = context.webSeedPacer?.forResponse(swarm, range.kind === 'part' ? range.start : 0);
  return {
    kind: 'file',
    contentType: 'application/zstd',
    path: published.files.archive,
    size,
    headers: { 'accept-ranges': 'bytes' },
    ...(range.kind === 'part' ? { range: { start: range.start, end: range.end } } : {}),
    ...(pace === undefined ? {} : { pace }),
  };
};

const bencodedReply = (body: Buffer): Reply => ({ kind: 'body', status: 200, contentType: 'text/plain', body });

/** `GET …/announce?info_hash=…`: the fleet's tracker; a host announces only payloads of its own image. */
export const announce = async (route: Extract<PayloadRoute, { kind: 'announce' }>, context: HandlerContext): Promise<Reply> => {
  const allowed = await authorise(context, route.host);
  if (!allowed.ok) return allowed.reply;
  const parsed = parseAnnounce(route.target);
  // Trackers answer 200 with a "failure reason": that is what BitTorrent clients show.
  if (!parsed.ok) return bencodedReply(trackerFailure(parsed.reason));
  const image = imageOf(allowed.host.imageRef);
  const version = await context.payloads.versionOfInfoHash(image, parsed.announce.infoHash);
  if (version === undefined) return bencodedReply(trackerFailure(`this tracker serves only the payloads of image ${image}`));
  const ip = context.request.remoteAddress?.replace(/^::ffff:/, '') ?? '';
  if (parsed.announce.event !== 'update') context.log(`tracker: ${route.host} (${ip}) ${parsed.announce.event} ${image}@${version}, ${parsed.announce.left} bytes left`);
  return bencodedReply(context.tracker.announce(parsed.announce, ip));
};

/** How many hosts of the fleet install `image` (what `auto` compares with its threshold). */
const hostsOfImage = (context: HandlerContext, image: string): number => context.fleet.hosts.filter((host) => imageOf(host.imageRef) === image).length;

/**
 * The transport part of a host's deploy instructions; 'building' while the version's payload is first built
 * (the runner retries the 503). A payload that cannot be built leaves the host on rsync, saying why.
 */
export const deployTransport = async (context: HandlerContext, host: ServeHost, version: ResolvedVersion): Promise<DeployTransport | 'building'> => {
  const setting = host.transport ?? defaultTransport;
  const choice = chooseTransport(setting, version.image, hostsOfImage(context, version.image));
  if (!choice.payload) return { setting: setting.mode, reason: choice.reason };
  const state = await context.payloads.ensure(version);
  if (state.state === 'building') return 'building';
  if (state.state === 'failed') return { setting: setting.mode, reason: `${choice.reason}, but the payload of ${version.ref} could not be built: ${state.reason}` };
  const { record, files, manifest } = state.payload;
  return {
    setting: setting.mode,
    reason: choice.reason,
    payload: {
      torrentPath: hostApiPath(host.name, `payload/${files.torrentName}`),
      file: record.file,
      bytes: record.bytes,
      sha256: record.sha256,
      infoHash: record.infoHash,
      imageBytes: manifest.sizeBytes,
      seedSeconds: setting.seedSeconds,
      trackerOrigin: trackerOriginFor(context, originFor(context)),
    },
  };
};

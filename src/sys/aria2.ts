/** One aria2c run that fetches a payload by BitTorrent (docs/fanout.md). */
export interface Aria2Request {
  /** The .torrent's URL on serve (kept in memory). */
  torrentUrl: string;
  /** Where the payload goes (as aria2c sees it). */
  dir: string;
  /** Seeding after the download completed; aria2c then exits by itself. */
  seedSeconds: number;
  /** Give up when nothing arrives for this long (no peers and no web seed). @default 120 */
  stallSeconds?: number;
}

/**
 * Which pieces aria2c asks the web seed for. Its default takes the first missing pieces in order, so every host of
 * a crowd asks the seed for the same pieces and the seed sends them again and again (bench:fanout: 4.5 copies at
 * N = 32); at random, what the seed sends differs per host and the hosts trade it (2.3 copies, sooner; docs/fanout.md).
 */
export const webSeedPieceOrder = '--stream-piece-selector=random';

/**
 * Pure: argv of aria2c. No DHT, local peer discovery or peer exchange: peers come from serve's tracker only
 * (the torrent is private, BEP 27). `--check-integrity` lets a re-run resume from a partial file. Every HTTP
 * request (torrent, announces, web seed) goes through the proxy named by `http_proxy` in its environment,
 * which adds the host's token: argv carries no secret, and the proxy's port is known only at run time.
 */
export const buildAria2Args = (request: Aria2Request): string[] => [
  '--enable-dht=false',
  '--enable-dht6=false',
  '--bt-enable-lpd=false',
  '--enable-peer-exchange=false',
  webSeedPieceOrder,
  '--file-allocation=none',
  '--enable-color=false',
  '--summary-interval=1',
  '--console-log-level=notice',
  '--follow-torrent=mem',
  '--check-integrity=true',
  '--allow-overwrite=true',
  '--auto-file-renaming=false',
  `--seed-time=${request.seedSeconds / 60}`,
  '--seed-ratio=0.0',
  `--bt-stop-timeout=${request.stallSeconds ?? 120}`,
  // An unreachable tracker must not hold up the web seed for long.
  '--bt-tracker-connect-timeout=10',
  '--bt-tracker-timeout=20',
  '--max-tries=10',
  '--retry-wait=3',
  `--dir=${request.dir}`,
  request.torrentUrl,
];

export type Aria2Line = { kind: 'progress'; bytes: number; total: number; percent: number; rate: number } | { kind: 'seeding'; ratio: number };

const units: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };
const size = (value: string, unit: string): number => Math.round(Number(value) * (units[unit] ?? 1));

/** Pure: a readout line (`[#2089b0 12MiB/49MiB(24%) CN:5 SD:2 DL:10MiB ETA:3s]`, `[#2089b0 SEED(1.3) CN:4 SD:0]`). */
export const parseAria2Line = (line: string): Aria2Line | undefined => {
  const seed = /^\[#\w+ SEED\(([\d.]+)\)/.exec(line);
  if (seed !== null) return { kind: 'seeding', ratio: Number(seed[1]) };
  const progress = /^\[#\w+ ([\d.]+)(B|KiB|MiB|GiB|TiB)\/([\d.]+)(B|KiB|MiB|GiB|TiB)\((\d+)%\)(?:.* DL:([\d.]+)(B|KiB|MiB|GiB|TiB))?/.exec(line);
  if (progress === null) return undefined;
  const [, done = '0', doneUnit = 'B', total = '0', totalUnit = 'B', percent = '0', rate, rateUnit = 'B'] = progress;
  return { kind: 'progress', bytes: size(done, doneUnit), total: size(total, totalUnit), percent: Number(percent), rate: rate === undefined ? 0 : size(rate, rateUnit) };
};

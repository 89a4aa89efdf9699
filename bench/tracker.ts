/**
 * bench/tracker: the CPU one announce costs serve's tracker (src/server/tracker.ts): parsing the raw request target
 * and answering it with a compact peer list, in a swarm of 32, 1,000 and 5,000 peers (docs/fanout.md). Every
 * announce is a periodic one from a peer already in the swarm, asking for aria2c's default 50 peers (numwant).
 * HTTP and authentication are left out: they cost the same on every route. Asserts nothing.
 *
 *   npm run bench:tracker
 *   BENCH_PEERS=32,1000 BENCH_ANNOUNCES=5000 npm run bench:tracker
 */
import { loadavg } from 'node:os';
import { createTracker, parseAnnounce } from '../src/server/tracker.js';

const swarmSizes = (process.env['BENCH_PEERS'] ?? '32,1000,5000').split(',').map(Number);
const announces = Number(process.env['BENCH_ANNOUNCES'] ?? '20000');
const load = (): string => loadavg().map((value) => value.toFixed(2)).join(' ');

const percent = (bytes: Buffer): string => [...bytes].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
const infoHash = percent(Buffer.alloc(20, 0xab));
const peerId = (index: number): string => {
  const id = Buffer.alloc(20, 0x2d);
  id.writeUInt32BE(index, 16);
  return percent(id);
};
const ipOf = (index: number): string => `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`;
const target = (index: number, event: string): string =>
  `/api/v1/hosts/web${index}/announce?info_hash=${infoHash}&peer_id=${peerId(index)}&port=6881&uploaded=0&downloaded=0&left=1000&compact=1&numwant=50${event === '' ? '' : `&event=${event}`}`;

/** CPU microseconds (user + system) per announce over `announces` periodic announces in a swarm of `peers`. */
const measure = (peers: number): { cpuMicros: number; wallMicros: number; answerBytes: number } => {
  const tracker = createTracker({ nowMs: () => Date.now() });
  const announceFrom = (index: number, event: string): Buffer => {
    const parsed = parseAnnounce(target(index, event));
    if (!parsed.ok) throw new Error(parsed.reason);
    return tracker.announce(parsed.announce, ipOf(index));
  };
  for (let index = 0; index < peers; index += 1) announceFrom(index, 'started');
  // The request targets are built before the clock starts: a real server receives them ready-made.
  const targets = Array.from({ length: announces }, (_, at) => {
    const index = at % peers;
    return { text: target(index, ''), ip: ipOf(index) };
  });
  let answerBytes = 0;
  const cpu = process.cpuUsage();
  const wall = performance.now();
  for (const { text, ip } of targets) {
    const parsed = parseAnnounce(text);
    if (!parsed.ok) throw new Error(parsed.reason);
    answerBytes += tracker.announce(parsed.announce, ip).length;
  }
  const used = process.cpuUsage(cpu);
  return { cpuMicros: (used.user + used.system) / announces, wallMicros: ((performance.now() - wall) * 1000) / announces, answerBytes: answerBytes / announces };
};

console.log(`rootcast bench:tracker — ${announces} periodic announces per swarm size (numwant 50); load average before ${load()}`);
console.log('| peers in the swarm | CPU µs per announce | wall µs per announce | answer bytes |');
console.log('|---|---|---|---|');
for (const peers of swarmSizes) {
  const { cpuMicros, wallMicros, answerBytes } = measure(peers);
  console.log(`| ${peers} | ${cpuMicros.toFixed(1)} | ${wallMicros.toFixed(1)} | ${answerBytes.toFixed(0)} |`);
}
console.log(`load average after ${load()}`);

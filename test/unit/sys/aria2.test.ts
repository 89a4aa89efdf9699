import { describe, expect, test } from 'vitest';
import { buildAria2Args, parseAria2Line } from '../../../src/sys/aria2.js';

const mib = 1024 * 1024;

describe('aria2c argv and readout', () => {
  test('aria2c: tracker peers only, no proxy or credential in argv (the proxy comes as http_proxy), bounded stalls, the seeding time in minutes', () => {
    const args = buildAria2Args({ torrentUrl: 'http://10.0.0.1:8780/x.torrent', dir: '/run/rootcast-payload', seedSeconds: 90 });
    expect(args).toEqual(expect.arrayContaining(['--enable-dht=false', '--enable-peer-exchange=false', '--bt-enable-lpd=false', '--seed-time=1.5', '--bt-stop-timeout=120']));
    expect(args.at(-1)).toBe('http://10.0.0.1:8780/x.torrent');
    expect(args.join(' ')).not.toMatch(/Bearer|token|proxy/i);
  });

  test('aria2c readout lines', () => {
    expect(parseAria2Line('[#2089b0 12MiB/49MiB(24%) CN:5 SD:2 DL:10MiB ETA:3s]')).toEqual({ kind: 'progress', bytes: 12 * mib, total: 49 * mib, percent: 24, rate: 10 * mib });
    expect(parseAria2Line('[#2089b0 656KiB/49MiB(1%) CN:1 SD:0 DL:645KiB ETA:1m17s]')).toMatchObject({ bytes: 656 * 1024, rate: 645 * 1024 });
    expect(parseAria2Line('[#2089b0 SEED(1.3) CN:4 SD:0]')).toEqual({ kind: 'seeding', ratio: 1.3 });
    expect(parseAria2Line('FILE: /run/rootcast-payload/web@3.tar.zst')).toBeUndefined();
  });
});

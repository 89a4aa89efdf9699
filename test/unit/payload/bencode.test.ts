import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { bdecode, bencode } from '../../../src/payload/bencode.js';
import { buildInfoOnlyTorrent, buildTorrentFile, infoHashOf, readTorrentInfo, type TorrentInfo } from '../../../src/payload/torrent.js';
import { chooseTransport, defaultTransport } from '../../../src/payload/transport.js';

describe('bencode', () => {
  test('encodes BEP 3 values; dictionary keys sorted by their bytes', () => {
    expect(bencode({ zeta: 1, alpha: 'x', 'piece length': -3, list: ['a', 2n, Buffer.from([0, 255])] }).toString('latin1')).toBe(
      'd5:alpha1:x4:listl1:ai2e2:\u0000\u00ffe12:piece lengthi-3e4:zetai1ee',
    );
    expect(bencode('').toString()).toBe('0:');
    expect(() => bencode(1.5)).toThrow('not a whole number');
  });

  test('decodes what it encodes, keeping byte strings binary', () => {
    const decoded = bdecode(bencode({ name: 'web@1.tar.zst', pieces: Buffer.from([1, 2, 250]), n: 0, l: [] }));
    expect(decoded).toEqual(new Map<string, unknown>([['l', []], ['n', 0n], ['name', Buffer.from('web@1.tar.zst')], ['pieces', Buffer.from([1, 2, 250])]]));
  });

  test('refuses malformed input, naming the byte', () => {
    for (const [bad, why] of [['i01e', 'bad integer'], ['i-0e', 'bad integer'], ['5:abc', 'bad string length'], ['l1:a', 'unterminated list'], ['i1ei2e', 'trailing bytes'], ['x', 'unexpected byte'], ['d1:ae', 'bad dictionary']] as const) {
      expect(() => bdecode(Buffer.from(bad)), bad).toThrow(why);
    }
  });
});

describe('torrents', () => {
  const info: TorrentInfo = { name: 'web@3.tar.zst', length: 3 * 1024 * 1024 + 5, pieceLength: 1024 * 1024, pieces: Buffer.alloc(80, 7) };

  test('the info hash is the SHA-1 of the bencoded info dictionary, private flag included', () => {
    const expected = createHash('sha1')
      .update(Buffer.concat([Buffer.from(`d6:lengthi${info.length}e4:name13:web@3.tar.zst12:piece lengthi1048576e6:pieces80:`), info.pieces, Buffer.from('7:privatei1ee')]))
      .digest('hex');
    expect(infoHashOf(info)).toBe(expected);
  });

  test('a served torrent carries the tracker and the web seed; the stored one only the info; both read back to the same info', () => {
    const served = buildTorrentFile(info, { announce: 'http://10.0.0.1:8780/api/v1/hosts/web07/announce', webSeed: 'http://10.0.0.1:8780/api/v1/hosts/web07/payload/web@3.tar.zst' });
    const top = bdecode(served) as Map<string, unknown>;
    expect([...top.keys()]).toEqual(['announce', 'info', 'url-list']);
    expect(top.get('url-list')).toEqual([Buffer.from('http://10.0.0.1:8780/api/v1/hosts/web07/payload/web@3.tar.zst')]);
    expect(readTorrentInfo(served)).toEqual(info);
    expect(readTorrentInfo(buildInfoOnlyTorrent(info))).toEqual(info);
  });

  test('anything but a single-file torrent is refused', () => {
    expect(() => readTorrentInfo(bencode({ info: { name: 'x', files: [], 'piece length': 1, pieces: Buffer.alloc(20) } }))).toThrow('no "length"');
    expect(() => readTorrentInfo(bencode({ info: { name: 'x', length: 1, 'piece length': 1, pieces: Buffer.alloc(19) } }))).toThrow('single-file');
    expect(() => readTorrentInfo(bencode(['not', 'a', 'dict']))).toThrow('dictionary');
  });
});

describe('chooseTransport', () => {
  test('rsync never, torrent always, auto from the threshold on', () => {
    expect(chooseTransport(defaultTransport, 'web', 500)).toEqual({ payload: false, reason: 'install.transport is rsync' });
    expect(chooseTransport({ ...defaultTransport, mode: 'torrent' }, 'web', 1).payload).toBe(true);
    const auto = { ...defaultTransport, mode: 'auto' as const, autoMinHosts: 20 };
    expect(chooseTransport(auto, 'web', 19)).toEqual({ payload: false, reason: 'install.transport is auto and only 19 host(s) install web (fewer than 20)' });
    expect(chooseTransport(auto, 'web', 20)).toEqual({ payload: true, reason: 'install.transport is auto and 20 hosts install web (at least 20)' });
  });
});

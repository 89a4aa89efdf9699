import { describe, expect, test } from 'vitest';
import { admitConnection, authenticatedPid, refusalGreeting } from '../../../src/sys/rsync-admission.js';

const limits = { perClient: 2, total: 3, preAuthMs: 1000 };

describe('rsync admission', () => {
  test('one address gets its share; the total caps everyone', () => {
    expect(admitConnection([], '10.0.0.7', limits)).toEqual({ admit: true });
    expect(admitConnection(['10.0.0.7'], '10.0.0.7', limits)).toEqual({ admit: true });
    expect(admitConnection(['10.0.0.7', '10.0.0.7'], '10.0.0.7', limits)).toEqual({ admit: false, reason: 'max connections (2 from your address) reached -- try again later' });
    expect(admitConnection(['10.0.0.7', '10.0.0.7'], '10.0.0.8', limits)).toEqual({ admit: true });
    expect(admitConnection(['10.0.0.7', '10.0.0.7', '10.0.0.8'], '10.0.0.9', limits)).toEqual({ admit: false, reason: 'max connections (3) reached -- try again later' });
  });

  test('a refused client reads a greeting and an @ERROR line, as from a full rsync daemon', () => {
    expect(refusalGreeting('max connections (3) reached -- try again later')).toBe('@RSYNCD: 31.0\n@ERROR: max connections (3) reached -- try again later\n');
  });

  test('the daemon log line that marks a connection authenticated', () => {
    expect(authenticatedPid('2026/11/27 02:44:52 [30417] rsync on img.web.1/ from install.web07@localhost (127.0.0.1)')).toBe(30417);
    expect(authenticatedPid('2026/11/27 02:44:52 [30417] rsync on img.web.1/ from install.web07@10.0.0.7 (10.0.0.7)')).toBe(30417);
    for (const line of [
      '2026/11/27 02:43:42 [24612] connect from localhost (127.0.0.1)',
      '2026/11/27 02:43:42 [24612] rsync allowed access on module m from localhost (127.0.0.1)',
      '2026/11/27 02:43:25 [24350] auth failed on module m from localhost (127.0.0.1) for u: password mismatch',
      '',
    ]) {
      expect(authenticatedPid(line), line).toBeUndefined();
    }
  });
});

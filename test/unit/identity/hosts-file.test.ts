import { describe, expect, test } from 'vitest';
import { mergeHostsFile } from '../../../src/identity/hosts-file.js';

const debian = '127.0.0.1\tlocalhost\n127.0.1.1\tgolden.lab.example\tgolden\n\n# IPv6\n::1     localhost ip6-localhost ip6-loopback\n';
const dhcp = { address: '127.0.1.1', names: ['web07.lab.example', 'web07'] };
const fixed = { address: '10.0.0.11', names: ['web07.lab.example', 'web07'] };

describe('/etc/hosts: the image\'s lines with the host\'s own line in place', () => {
  test('DHCP: the golden client\'s 127.0.1.1 line becomes the host\'s, everything else stays byte for byte', () => {
    expect(mergeHostsFile(debian, dhcp)).toBe('127.0.0.1\tlocalhost\n127.0.1.1\tweb07.lab.example web07\n\n# IPv6\n::1     localhost ip6-localhost ip6-loopback\n');
  });

  test('static: the address line takes the 127.0.1.1 line\'s place; none of the golden names stay on 127.0.1.1', () => {
    expect(mergeHostsFile(debian, fixed)).toBe('127.0.0.1\tlocalhost\n10.0.0.11\tweb07.lab.example web07\n\n# IPv6\n::1     localhost ip6-localhost ip6-loopback\n');
  });

  test('applying it twice gives the same file, in both modes and from no file at all', () => {
    for (const own of [dhcp, fixed]) {
      for (const start of [debian, undefined, '10.0.0.11 old-name\n10.0.0.9 web07 db\n']) {
        const once = mergeHostsFile(start, own);
        expect(mergeHostsFile(once, own)).toBe(once);
      }
    }
  });

  test('the host\'s names leave other lines; lines left with no name go; a second own line goes', () => {
    const text = '127.0.0.1 localhost web07\n10.0.0.9 web07 db # old\n10.0.0.8 web07.lab.example\n10.0.0.11 stale\n10.0.0.11 stale-too\n';
    expect(mergeHostsFile(text, fixed)).toBe('127.0.0.1\tlocalhost\n10.0.0.9\tdb # old\n10.0.0.11\tweb07.lab.example web07\n');
  });

  test('without a 127.0.1.1 or address line the own line goes right after 127.0.0.1, or first', () => {
    const rhel = '127.0.0.1   localhost localhost.localdomain\n::1         localhost localhost.localdomain\n';
    expect(mergeHostsFile(rhel, fixed)).toBe('127.0.0.1   localhost localhost.localdomain\n10.0.0.11\tweb07.lab.example web07\n::1         localhost localhost.localdomain\n');
    expect(mergeHostsFile('# nothing\n', dhcp)).toBe('127.0.1.1\tweb07.lab.example web07\n# nothing\n');
  });

  test('no hosts file in the image: a minimal one with localhost for both families', () => {
    expect(mergeHostsFile(undefined, { address: '127.0.1.1', names: ['web07'] })).toBe('127.0.0.1\tlocalhost\n127.0.1.1\tweb07\n::1\tlocalhost ip6-localhost ip6-loopback\n');
  });
});

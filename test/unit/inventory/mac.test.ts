import { describe, expect, it } from 'vitest';
import { normaliseMac } from '../../../src/inventory/mac.js';

describe('normaliseMac', () => {
  it.each([
    '52:54:00:ab:cd:ef',
    '52:54:00:AB:CD:EF',
    '52-54-00-ab-cd-ef',
    '52-54-00-AB-CD-EF',
    '5254.00ab.cdef',
    '5254.00AB.CDEF',
    '525400abcdef',
    '525400ABCDEF',
    ' 52:54:00:ab:cd:ef ',
  ])('normalises %j', (text) => {
    expect(normaliseMac(text)).toEqual({ ok: true, mac: '52:54:00:ab:cd:ef' });
  });

  it.each([
    ['52:54:00:zz:00:01', '"52:54:00:zz:00:01" is not a MAC address'],
    ['52:54:00:ab:cd', '"52:54:00:ab:cd" is not a MAC address'],
    ['52:54:00:ab:cd:ef:01', '"52:54:00:ab:cd:ef:01" is not a MAC address'],
    ['52:54-00:ab:cd:ef', '"52:54-00:ab:cd:ef" is not a MAC address'],
    ['5:54:00:ab:cd:ef', '"5:54:00:ab:cd:ef" is not a MAC address'],
    ['525400abcde', '"525400abcde" is not a MAC address'],
    ['5254.00ab.cdef.01', '"5254.00ab.cdef.01" is not a MAC address'],
    ['', '"" is not a MAC address'],
    ['01:00:5e:00:00:01', '"01:00:5e:00:00:01" is a multicast address, not a network card\'s (the first octet is odd)'],
    ['ff:ff:ff:ff:ff:ff', '"ff:ff:ff:ff:ff:ff" is a multicast address, not a network card\'s (the first octet is odd)'],
    ['00:00:00:00:00:00', '"00:00:00:00:00:00" is the all-zero MAC address'],
  ])('rejects %j', (text, problem) => {
    expect(normaliseMac(text)).toEqual({ ok: false, problem });
  });
});

import { describe, expect, test } from 'vitest';
import { buildTarCreateArgs, buildTarExtractArgs } from '../../../src/sys/tar-archive.js';

describe('tar argv', () => {
  test('tar: reproducible create options; extract keeps kept paths anchored', () => {
    expect(buildTarCreateArgs('/store/root', '/store/p.tar.zst')).toEqual(expect.arrayContaining(['--sort=name', '--format=posix', '--numeric-owner', '--acls', '--xattrs', '--xattrs-include=*', '--sparse', '--directory=/store/root']));
    expect(buildTarExtractArgs('/p.tar.zst', '/target', ['/etc/fstab', '/boot/efi/'])).toEqual(expect.arrayContaining(['--anchored', '--exclude=./etc/fstab', '--exclude=./boot/efi', '--directory=/target', '--numeric-owner']));
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { buildMinimalRoot } from './minimal-root.js';

test('a minimal root runs sh and rsync under chroot', () => {
  const root = mkdtempSync(join(tmpdir(), 'rootcast-minroot-'));
  try {
    buildMinimalRoot(root);
    const out = execFileSync('/usr/sbin/chroot', [root, '/bin/sh', '-c', 'rsync --version; echo ok'], { encoding: 'utf8', env: { PATH: '/bin:/usr/bin' } });
    expect(out).toMatch(/^rsync\s+version/m);
    expect(out).toMatch(/^ok$/m);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

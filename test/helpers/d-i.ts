import { execFileSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where `debian-installer-12-netboot-amd64` puts the netboot kernel and initrd. */
export const debianInstallerDir = '/usr/lib/debian-installer/images/12/amd64/text/debian-installer/amd64';

export const debianInstaller = {
  kernel: join(debianInstallerDir, 'linux'),
  initrd: join(debianInstallerDir, 'initrd.gz'),
} as const;

/**
 * Kernel command line that makes d-i load /preseed.cfg from its initrd and ask nothing: `auto`
 * defers locale/keyboard questions until the preseed is read, `priority=critical` hides the rest.
 */
export const preseedBootArgs = 'auto=true priority=critical console=ttyS0,115200n8 DEBIAN_FRONTEND=text';

/** A gzip-compressed newc cpio holding one file `preseed.cfg` (what d-i reads from the initrd root). */
export const buildPreseedCpio = (preseed: string): Buffer => {
  const dir = mkdtempSync(join(tmpdir(), 'rootcast-preseed-cpio-'));
  try {
    writeFileSync(join(dir, 'preseed.cfg'), preseed, { mode: 0o644 });
    const cpio = execFileSync('cpio', ['--quiet', '-o', '-H', 'newc', '--owner=0:0'], { cwd: dir, input: 'preseed.cfg\n' });
    return execFileSync('gzip', ['-9n'], { input: cpio, maxBuffer: 64 * 1024 * 1024 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

/**
 * Writes `out` = the stock d-i initrd with our preseed appended as a second compressed cpio; the
 * kernel unpacks concatenated archives in order, so /preseed.cfg ends up in the installer's root.
 */
export const writePreseededInitrd = (preseed: string, out: string, baseInitrd: string = debianInstaller.initrd): void => {
  copyFileSync(baseInitrd, out);
  appendFileSync(out, buildPreseedCpio(preseed));
};

/** Lists the files in a gzip-compressed newc cpio (for checking what we built). */
export const listCpio = (gzipped: Buffer): string[] =>
  execFileSync('cpio', ['--quiet', '-t'], { input: execFileSync('gzip', ['-dc'], { input: gzipped }) })
    .toString('utf8')
    .split('\n')
    .filter(Boolean);

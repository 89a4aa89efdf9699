import { swapFilePatterns } from './swap-files.js';

/**
 * What the RAM toolbox leaves out of the installed root (rsync-anchored; `*` stops at "/"): the toolbox
 * only runs sh and rsync (for a torrent install also aria2c, sha256sum, tar and zstd: docs/fanout.md) and
 * their libraries, so it takes neither pseudo and scratch filesystems' contents (their directories stay,
 * as mount points) nor bulk nobody in it runs from.
 */
export const toolboxSkippedContents: readonly string[] = [
  // Pseudo, scratch and data directories.
  '/proc', '/sys', '/dev', '/run', '/tmp', '/var/tmp', '/mnt', '/media', '/boot', '/home', '/srv', '/root',
  '/var/cache', '/var/log',
  // Documentation, kernels' modules and firmware.
  '/usr/share/doc', '/usr/share/man', '/usr/share/info', '/usr/lib/modules', '/lib/modules', '/usr/lib/firmware', '/lib/firmware',
  // Locale, time zone and iconv data (every command runs with LC_ALL=C; rsync is never given --iconv).
  '/usr/share/locale', '/usr/lib/locale', '/usr/share/i18n', '/usr/share/zoneinfo', '/usr/lib/*/gconv', '/usr/lib64/gconv',
  // Interpreters' libraries (the toolbox runs no perl or python) and package databases (nor a package manager):
  // on a bookworm minbase these were 70% of the toolbox's files and half its copy time.
  '/usr/share/perl', '/usr/share/perl5', '/usr/lib/*/perl', '/usr/lib/*/perl-base', '/usr/lib/*/perl5', '/usr/lib64/perl5',
  '/usr/lib/python3*', '/usr/lib64/python3*',
  '/var/lib/dpkg', '/var/lib/apt', '/var/lib/rpm', '/var/lib/dnf', '/usr/lib/sysimage',
];

/**
 * Excludes for copying `target` into RAM; the work dir is skipped too when it lives inside the target,
 * and so are swap files (`swapFiles`: what the installed fstab lists; gigabytes of RAM for nothing).
 */
export const buildToolboxExcludes = (target: string, workDir: string, swapFiles: readonly string[] = []): string[] => {
  const inside = target === '/' ? workDir : workDir.startsWith(`${target}/`) ? workDir.slice(target.length) : undefined;
  return [...toolboxSkippedContents.map((dir) => `${dir}/*`), ...swapFilePatterns(swapFiles), ...(inside === undefined ? [] : [inside])];
};

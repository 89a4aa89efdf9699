import type { Exec, ExecResult } from './exec.js';

/** zstd level of published payloads: level 6 is ~4 % smaller than the default 3 for ~2× its (one-off) build time. */
export const payloadZstdLevel = 6;

/**
 * Member names are `./path`; atime and ctime are left out and PAX header names carry no PID, so the same
 * tree always gives the same bytes (and the same info hash). Numeric owners, ACLs, every xattr namespace,
 * hard links (tar's default) and holes (`--sparse`) are kept.
 */
const metadataOptions = ['--numeric-owner', '--acls', '--xattrs', '--xattrs-include=*'];

/** Pure: argv of `tar` that writes ROOT as a reproducible zstd-compressed archive. */
export const buildTarCreateArgs = (root: string, file: string, level: number = payloadZstdLevel): string[] => [
  '--create',
  `--file=${file}`,
  `--use-compress-program=zstd -q -${level} -T0`,
  '--sort=name',
  '--format=posix',
  '--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime',
  ...metadataOptions,
  '--sparse',
  `--directory=${root}`,
  '.',
];

/** `/etc/fstab` → `./etc/fstab`; `/boot/efi/` keeps the whole directory out, as the rsync exclude does. */
const memberOf = (path: string): string => `.${path.replace(/\/+$/, '')}`;

/**
 * Pure: argv of `tar` that unpacks a payload over DESTINATION, leaving the kept paths alone (the same
 * paths the rsync pass excludes). Existing files are replaced, existing directories keep their place.
 */
export const buildTarExtractArgs = (file: string, destination: string, keep: readonly string[]): string[] => [
  '--extract',
  `--file=${file}`,
  '--use-compress-program=zstd -q',
  ...metadataOptions,
  '--same-permissions',
  '--same-owner',
  '--anchored',
  ...keep.map((path) => `--exclude=${memberOf(path)}`),
  `--directory=${destination}`,
];

/**
 * Builds the payload archive; tar itself runs zstd and fails when zstd fails. tar names each sparse member's
 * header `GNUSparseFile.<its PID>` whatever the format options say, so it runs as PID 1 of its own PID namespace.
 */
export const createTarArchive = (exec: Exec, root: string, file: string): Promise<ExecResult> =>
  exec({ command: 'unshare', args: ['--pid', '--fork', '--kill-child', 'tar', ...buildTarCreateArgs(root, file)] });

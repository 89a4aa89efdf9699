/**
 * What the RAM toolbox leaves out of the installed root (rsync-anchored): pseudo and scratch
 * filesystems' contents (their directories stay, as mount points) and bulk nobody runs from
 * (docs, kernels, modules, caches) — the toolbox only needs sh, rsync and their libraries.
 */
export const toolboxSkippedContents: readonly string[] = [
  '/proc', '/sys', '/dev', '/run', '/tmp', '/var/tmp', '/mnt', '/media', '/boot', '/home', '/srv', '/root',
  '/var/cache', '/var/log', '/var/lib/apt/lists', '/usr/share/doc', '/usr/share/man', '/usr/share/info',
  '/usr/share/locale', '/usr/lib/modules', '/lib/modules', '/usr/lib/firmware', '/lib/firmware',
];

/** Excludes for copying `target` into RAM; the work dir is skipped too when it lives inside the target. */
export const buildToolboxExcludes = (target: string, workDir: string): string[] => {
  const inside = target === '/' ? workDir : workDir.startsWith(`${target}/`) ? workDir.slice(target.length) : undefined;
  return [...toolboxSkippedContents.map((dir) => `${dir}/*`), ...(inside === undefined ? [] : [inside])];
};

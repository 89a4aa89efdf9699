/** argv builders for mount(8)/umount(8); run them inside a private mount namespace. */

/** A size-limited tmpfs: the kernel refuses writes past `sizeBytes`, so a bad estimate cannot eat all RAM. */
export const tmpfsMountArgs = (directory: string, sizeBytes: number): string[] => [
  '-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0755`, 'rootcast-toolbox', directory,
];

export const bindMountArgs = (source: string, target: string, recursive: boolean): string[] => [
  recursive ? '--rbind' : '--bind', source, target,
];

/** Recursive and lazy: a busy submount must not keep the RAM copy alive. */
export const unmountTreeArgs = (directory: string): string[] => ['-R', '-l', directory];

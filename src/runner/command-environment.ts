/** What every command the runner runs gets, and nothing else of ours (NODE_OPTIONS, proxies, CA paths). */
export const cleanEnvironment = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LC_ALL: 'C',
  HOME: '/root',
} as const;

export const cleanEnvironmentNames: readonly string[] = Object.keys(cleanEnvironment);

/** rsync's daemon password: the install token. Planned by name only; its value never enters a plan, a log or argv. */
export const rsyncPasswordName = 'RSYNC_PASSWORD';

/** The values behind every name a planned command may ask for (src/sys/planned-command.ts). */
export const commandEnvironmentValues = (token: string): Readonly<Record<string, string>> => ({
  ...cleanEnvironment,
  [rsyncPasswordName]: token,
});

/** How rsync's own OpenSSH connection authenticates and verifies the golden client. */
export interface OpenSshOptions {
  port: number;
  knownHostsFile: string;
  /** --ssh-key; without it OpenSSH uses ssh-agent and the user's default keys. */
  identityFile?: string | undefined;
  /** @default 20 */
  connectTimeoutSeconds?: number;
}

/** argv of the `ssh` rsync runs: strict host key checking against our known_hosts, never a prompt. */
export const buildSshArgs = (options: OpenSshOptions): string[] => [
  'ssh',
  '-o', 'BatchMode=yes',
  '-o', 'StrictHostKeyChecking=yes',
  '-o', `UserKnownHostsFile=${options.knownHostsFile}`,
  '-o', 'GlobalKnownHostsFile=/dev/null',
  '-o', `ConnectTimeout=${options.connectTimeoutSeconds ?? 20}`,
  '-o', 'LogLevel=ERROR',
  '-p', String(options.port),
  ...(options.identityFile === undefined ? [] : ['-i', options.identityFile, '-o', 'IdentitiesOnly=yes']),
];

const rsyncSafeWord = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** rsync splits `-e` itself: double quotes group a word and `""` inside them is a literal quote (no backslashes). */
export const formatRsyncShellCommand = (argv: readonly string[]): string =>
  argv.map((word) => (rsyncSafeWord.test(word) ? word : `"${word.replaceAll('"', '""')}"`)).join(' ');

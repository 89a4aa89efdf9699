import { execFile } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The body of a kickstart section (`%pre`, `%onerror`, …) up to its %end. */
export const kickstartSection = (kickstart: string, section: string): string =>
  new RegExp(`^${section} [^\\n]*\\n([\\s\\S]*?)^%end$`, 'm').exec(kickstart)?.[1] ?? '';

/** The value of a preseed's early_command (one line). */
export const earlyCommand = (preseed: string): string => /^d-i preseed\/early_command string (.*)$/m.exec(preseed)?.[1] ?? '';

/** The install token an answer file hands to the bootstrap (`ROOTCAST_TOKEN=…` in its %post / late_command). */
export const answerFileToken = (answer: string): string => /ROOTCAST_TOKEN='?([A-Za-z0-9_-]+)/.exec(answer)?.[1] ?? '';

/**
 * Runs a preseed's early_command as d-i does, with `path` as the whole PATH; `console` (a file of ours) is
 * bind-mounted over /dev/console inside a private mount namespace, so the marker can be read back.
 */
export const runEarlyCommand = async (command: string, console: string, path: string): Promise<void> => {
  await writeFile(console, '');
  await run('unshare', ['-m', '--propagation', 'private', '/bin/sh', '-c', `mount --bind ${console} /dev/console && exec env -i PATH=${path} sh -c "$0"`, command]);
};

/** Applets of the bookworm d-i initrd's busybox that the installer scripts use (it has no curl; its wget cannot POST). */
const diApplets = ['sh', 'cat', 'date', 'printf', 'nc', 'echo', 'awk', 'wget', 'mkdir', 'chmod', 'mv', 'rm', 'sleep', 'tail', 'tr', 'cut', 'sed', 'wc', 'grep'];

/** What d-i's environment offers, as a PATH: a directory `dir` of links to this machine's busybox. */
export const makeBusyboxPath = async (dir: string): Promise<string> => {
  await mkdir(dir);
  for (const applet of diApplets) await symlink('/bin/busybox', join(dir, applet));
  return dir;
};

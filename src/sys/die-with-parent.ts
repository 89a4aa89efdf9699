/**
 * A command under `setpriv --pdeathsig KILL`: it dies with rootcast. A SIGKILLed capture must not
 * leave an rsync writing into a staging directory the next run reuses, nor a killed runner an rsync
 * writing into the target (and keeping its private mount namespace alive). The death signal
 * survives the exec of nsenter, chroot and rsync, which all run in the one process it is set on.
 */
export const buildDieWithParentCommand = (command: string, args: readonly string[]): { command: string; args: string[] } => ({
  command: 'setpriv',
  args: ['--pdeathsig', 'KILL', '--', command, ...args],
});

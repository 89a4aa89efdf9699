import { readdir, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RootcastError } from '../errors/rootcast-error.js';
import { hostCredentialPath } from '../protocol/deploy-protocol.js';
import { tryLockFile, type FileLock } from '../sys/lock-file.js';
import { isProcessAlive } from '../sys/pid-alive.js';

/** One runner per target: the lock lives on the target itself, so every runner that can touch it sees it. */
export const targetLockFile = (target: string): string => join(target, dirname(hostCredentialPath), 'runner.lock');

/** Takes the target's runner lock; another live runner on it is LOCKED (75), naming its PID. */
export const lockTarget = async (target: string): Promise<FileLock> => {
  const attempt = await tryLockFile(targetLockFile(target));
  if (attempt.acquired) return attempt.lock;
  throw new RootcastError('LOCKED', `another runner${attempt.holder === undefined ? '' : ` (pid ${attempt.holder})`} is deploying onto ${target}`, {
    hint: 'let it finish (its events and /var/log/rootcast/install.log show where it is) or stop it, then re-run',
  });
};

/**
 * Removes the toolbox mount points of runs whose process is gone (a SIGKILLed runner leaves one,
 * empty once its namespace died). rmdir only: a directory that is not empty is left and named.
 */
export const removeDeadToolboxes = async (workDir: string, ownPid: number, log: (line: string) => void): Promise<void> => {
  const names = await readdir(workDir).catch(() => [] as string[]);
  for (const name of names) {
    const pid = Number(/^toolbox\.(\d+)$/.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid === ownPid || isProcessAlive(pid)) continue;
    await rmdir(join(workDir, name)).then(
      () => log(`removed ${join(workDir, name)}, left by an earlier run (pid ${pid}) that was killed`),
      (error: NodeJS.ErrnoException) => log(`could not remove ${join(workDir, name)} left by pid ${pid}: ${error.message}`),
    );
  }
};

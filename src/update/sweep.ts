import type { Exec } from '../sys/exec.js';
import { delayedUpdatesDir } from '../sys/rsync-pull.js';

/** Trees an update never syncs into, so the sweep does not walk them either. */
const unsweptDirs: readonly string[] = ['/proc', '/sys', '/dev', '/run', '/tmp', '/home', '/var/log'];

/**
 * After an interrupted update is finished: removes the `.~tmp~` directories a killed rsync left where
 * this run had nothing to rename (rsync only cleans the ones it uses). Returns how many it removed.
 */
export const sweepDelayedUpdates = async (exec: Exec, root: string, foreignMounts: readonly string[]): Promise<number> => {
  const base = root === '/' ? '' : root;
  const pruned = [...unsweptDirs, ...foreignMounts].flatMap((dir, index) => [...(index === 0 ? [] : ['-o']), '-path', `${base}${dir}`]);
  const result = await exec({
    command: 'find',
    args: [root, '(', ...pruned, ')', '-prune', '-o', '-type', 'd', '-name', delayedUpdatesDir, '-prune', '-print0'],
    cleanEnv: true,
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' },
    stdoutBytesLimit: 16 * 1024 * 1024,
  });
  const found = (result.stdoutBytes ?? Buffer.alloc(0)).toString('utf8').split('\0').filter((path) => path !== '');
  if (found.length > 0) await exec({ command: 'rm', args: ['-rf', '--', ...found], cleanEnv: true, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' } });
  return found.length;
};

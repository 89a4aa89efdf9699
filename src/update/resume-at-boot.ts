import { copyFile, link, lstat, mkdir, readlink, rename, symlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { firstBootTargetPaths } from '../protocol/deploy-protocol.js';
import { hostRunnerDir } from '../protocol/update-protocol.js';
import { hostPath } from './host-facts.js';

/** The runner bundle and node this update runs from (the bundle's entry knows them; `rootcast update` in-process does not). */
export interface SelfBundle {
  node: string;
  runner: string;
}

const exists = (path: string): Promise<boolean> => lstat(path).then(() => true, () => false);

/**
 * Makes sure an update cut short by a reboot is finished at boot: the first-boot unit enabled (its
 * .wants link; the script finishes the update, then reports the boot and disables itself again) and,
 * when this run knows its own bundle, node and runner.cjs kept in /usr/local/lib/rootcast where the
 * script looks. Returns what it did, for the log. Nothing here runs a program.
 */
export const prepareResumeAtBoot = async (root: string, self: SelfBundle | undefined): Promise<string[]> => {
  const done: string[] = [];
  const unit = hostPath(root, firstBootTargetPaths.unit);
  if (await exists(unit)) {
    const wants = hostPath(root, join('/etc/systemd/system/multi-user.target.wants', basename(firstBootTargetPaths.unit)));
    const current = await readlink(wants).catch(() => undefined);
    if (current === undefined) {
      await mkdir(dirname(wants), { recursive: true });
      await symlink(firstBootTargetPaths.unit, wants);
      done.push(`enabled ${firstBootTargetPaths.unit} to finish this update at boot if it is cut short`);
    }
  }
  if (self !== undefined) {
    const dir = hostPath(root, hostRunnerDir);
    for (const [from, name] of [[self.node, 'node'], [self.runner, 'runner.cjs']] as const) {
      const to = join(dir, name);
      if (from === to || (await exists(to))) continue;
      await mkdir(dir, { recursive: true });
      // A hard link where it can (same file system), else a copy; either way in place by one rename.
      const temporary = `${to}.rootcast-copy`;
      await link(from, temporary).catch(() => copyFile(from, temporary));
      await rename(temporary, to);
      done.push(`kept ${name} in ${hostRunnerDir} for the first-boot unit`);
    }
  }
  return done;
};

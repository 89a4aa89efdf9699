import { readFile } from 'node:fs/promises';

/** PIDs of a process's children (`/proc/PID/task/PID/children`); empty when it has none or is gone. */
export const readChildPids = async (pid: number): Promise<number[]> => {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.trim() === '' ? [] : text.trim().split(/\s+/).map(Number);
};

/** A process and everything below it, parents before children (read once, top down). */
export const readProcessTree = async (pid: number): Promise<number[]> => {
  const tree: number[] = [];
  for (let queue = [pid]; queue.length > 0;) {
    const next = queue.shift() as number;
    tree.push(next);
    queue = [...queue, ...(await readChildPids(next))];
  }
  return tree;
};

/**
 * SIGKILLs a process and all its descendants. Killing only the top would not do: nsenter forks for
 * its PID namespace and does not pass signals on, and rsync forks a receiver.
 */
export const killProcessTree = async (pid: number): Promise<void> => {
  for (const member of await readProcessTree(pid)) {
    try {
      process.kill(member, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
};

import { readFile } from 'node:fs/promises';

/** PIDs of a process's children (`/proc/PID/task/PID/children`); empty when it has none or is gone. */
export const readChildPids = async (pid: number): Promise<number[]> => {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.trim() === '' ? [] : text.trim().split(/\s+/).map(Number);
};

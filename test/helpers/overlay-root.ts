import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDieWithParentCommand } from '../../src/sys/die-with-parent.js';
import { enterPrivateMountNamespace, nsenterArgs, type MountNamespace } from '../../src/sys/mount-namespace.js';

export interface CommandOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * A throwaway copy-on-write view of a (cached, shared) root: an overlay mounted in a private mount
 * namespace, so the cache is never written and every mount vanishes with the namespace, even
 * after a crash. Node reads and writes it through `view` (/proc/PID/root/...).
 */
export interface OverlayRoot {
  /** The merged tree as this process reaches it. */
  view: string;
  /** The merged tree's path inside the namespace (what chroot gets). */
  merged: string;
  /** Runs a command inside the namespace (host programs; use `chroot merged ...` for the root's own). */
  run(command: string, args: readonly string[], input?: string): Promise<CommandOutcome>;
  /** Runs `/bin/sh -c script` inside the namespace with MERGED set to the merged tree. */
  shell(script: string): Promise<CommandOutcome>;
  close(): Promise<void>;
}

const execute = (command: string, args: readonly string[], input: string | undefined): Promise<CommandOutcome> =>
  new Promise((resolve) => {
    const child = execFile(command, args as string[], { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = (error as { code?: unknown } | null)?.code;
      resolve({ exitCode: error === null ? 0 : typeof code === 'number' ? code : -1, stdout, stderr });
    });
    // A child that exits without reading its input must not crash the test with EPIPE: its status tells.
    child.stdin?.on('error', () => undefined);
    if (input === undefined) child.stdin?.end();
    else child.stdin?.end(input);
  });

export const openOverlayRoot = async (lower: string): Promise<OverlayRoot> => {
  const scratch = await mkdtemp(join(tmpdir(), 'rootcast-overlay-'));
  const merged = join(scratch, 'merged');
  await Promise.all(['upper', 'work', 'merged'].map((dir) => mkdir(join(scratch, dir))));
  let namespace: MountNamespace | undefined;
  try {
    namespace = await enterPrivateMountNamespace();
    const inside = namespace;
    const run = (command: string, args: readonly string[], input?: string): Promise<CommandOutcome> => {
      // What src/sys/planned-command.ts spawns for a namespace command, with this process's environment.
      const wrapped = buildDieWithParentCommand('nsenter', nsenterArgs(inside.pid, command, args));
      return execute(wrapped.command, wrapped.args, input);
    };
    const mounted = await run('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${join(scratch, 'upper')},workdir=${join(scratch, 'work')}`, merged]);
    if (mounted.exitCode !== 0) throw new Error(`overlay mount failed: ${mounted.stderr}`);
    return {
      view: `/proc/${inside.pid}/root${merged}`,
      merged,
      run,
      shell: (script) => run('env', [`MERGED=${merged}`, 'sh', '-c', script]),
      close: async () => {
        await inside.close();
        await rm(scratch, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await namespace?.close();
    await rm(scratch, { recursive: true, force: true });
    throw error;
  }
};

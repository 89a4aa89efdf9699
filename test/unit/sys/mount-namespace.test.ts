import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { execProcess } from '../../../src/sys/exec.js';
import { enterPrivateMountNamespace, namespaceHolderArgs } from '../../../src/sys/mount-namespace.js';
import { buildSpawnRequest, type PlannedCommand } from '../../../src/sys/planned-command.js';
import { isProcessAlive } from '../../../src/sys/pid-alive.js';

const inNamespace = (program: string, args: string[]): PlannedCommand => ({ program, args, env: ['PATH'], where: 'namespace', okExitCodes: [0] });

describe('the private mount namespace (real unshare and nsenter)', () => {
  test('planned commands run inside it: a tmpfs mounted there is seen there and not here; close() ends the holder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rootcast-ns-'));
    const namespace = await enterPrivateMountNamespace();
    try {
      const run = (command: PlannedCommand) =>
        execProcess({ ...buildSpawnRequest(command, { values: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }, namespacePid: namespace.pid }), cleanEnv: true });
      await run(inNamespace('mount', ['-t', 'tmpfs', 'rootcast-ns-test', dir]));
      expect((await run(inNamespace('grep', ['-c', `rootcast-ns-test ${dir}`, '/proc/self/mounts']))).stdout.trim()).toBe('1');
      expect(await readFile('/proc/self/mounts', 'utf8')).not.toContain(dir);
    } finally {
      await namespace.close();
      await rm(dir, { recursive: true, force: true });
    }
    expect(isProcessAlive(namespace.pid)).toBe(false);
  });

  test('a missing unshare is the shared "not installed" error (69), not a crash', async () => {
    await expect(enterPrivateMountNamespace({ program: '/nonexistent/unshare', args: namespaceHolderArgs() })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: '/nonexistent/unshare is not installed or not on PATH',
    });
  });
});

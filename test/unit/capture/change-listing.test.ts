import { describe, expect, test } from 'vitest';
import { runChangeListing } from '../../../src/capture/change-listing.js';
import { RootcastError } from '../../../src/errors/rootcast-error.js';
import { execProcess } from '../../../src/sys/exec.js';
import type { PlannedCommand } from '../../../src/sys/planned-command.js';
import type { SshSession } from '../../../src/sys/ssh-session.js';

const here = (script: string): PlannedCommand => ({ program: 'sh', args: ['-c', script], env: [], inheritEnv: true, where: 'here', okExitCodes: [0] });

describe('running the change listing', () => {
  test('here: its stdin is the time, its output the names as bytes', async () => {
    expect(await runChangeListing(here('read since && printf "%s\\0/x\\377\\0" "$since"'), '1700000000.250', { exec: execProcess })).toEqual(
      Buffer.concat([Buffer.from('1700000000.250\0/x'), Buffer.from([0xff, 0])]),
    );
  });

  test('a find that fails, or no session to run it on, is "cannot list" (settling then lists everything), not an error', async () => {
    expect(await runChangeListing(here('echo "find: unknown predicate" >&2; exit 1'), '1', { exec: execProcess })).toBeUndefined();
    expect(await runChangeListing({ ...here('true'), where: 'ssh' }, '1', { exec: execProcess })).toBeUndefined();
    const lost: SshSession = { run: () => Promise.reject(new RootcastError('UNREACHABLE', 'the SSH session was closed')), close: () => undefined, upload: () => Promise.reject(new Error('not used')) };
    expect(await runChangeListing({ ...here('true'), where: 'ssh' }, '1', { exec: execProcess, session: lost })).toBeUndefined();
    const failing: SshSession = { run: () => Promise.resolve({ exitCode: 1, stdout: Buffer.alloc(0), stderr: 'find: unknown predicate' }), close: () => undefined, upload: () => Promise.reject(new Error('not used')) };
    expect(await runChangeListing({ ...here('true'), where: 'ssh' }, '1', { exec: execProcess, session: failing })).toBeUndefined();
  });

  test('over the session: the exact line, with the time on stdin', async () => {
    const sent: { line: string; input: string }[] = [];
    const session: SshSession = {
      run: (line, options) => {
        sent.push({ line, input: options?.input?.toString() ?? '' });
        return Promise.resolve({ exitCode: 0, stdout: Buffer.from('/etc/x\0'), stderr: '' });
      },
      close: () => undefined,
      upload: () => Promise.reject(new Error('not used')),
    };
    const command: PlannedCommand = { program: 'sh', args: ['-c', 'read since && exec find / -newerct "@$since" -print0'], env: [], where: 'ssh', okExitCodes: [0] };
    expect(await runChangeListing(command, '12.5', { exec: execProcess, session })).toEqual(Buffer.from('/etc/x\0'));
    expect(sent).toEqual([{ line: `sh -c 'read since && exec find / -newerct "@$since" -print0'`, input: '12.5\n' }]);
  });

  test('an interruption is not swallowed', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(runChangeListing(here('sleep 5'), '1', { exec: execProcess, signal: controller.signal })).rejects.toMatchObject({ code: 'INTERRUPTED' });
  });
});

import { describe, expect, test } from 'vitest';
import {
  buildRemoteCommandLine,
  buildSpawnRequest,
  describePlannedCommand,
  formatPlannedCommand,
  formatPlannedCommandLines,
  type PlannedCommand,
} from '../../../src/sys/planned-command.js';

const pull: PlannedCommand = {
  program: 'rsync',
  args: ['-aHAXS', '--exclude=/it\'s here', '--', 'rsync://u@10.0.0.1/m/', '/target/'],
  env: ['PATH', 'RSYNC_PASSWORD'],
  where: 'namespace',
  chroot: '/run/rootcast/toolbox.7',
  okExitCodes: [0, 24],
};
const values = { PATH: '/usr/bin:/bin', RSYNC_PASSWORD: 's3cret', HOME: '/root' };

describe('planned commands', () => {
  test('the printed line is the shell-quoted argv where it runs, chroot included', () => {
    expect(formatPlannedCommand(pull)).toBe(`chroot /run/rootcast/toolbox.7 rsync -aHAXS '--exclude=/it'\\''s here' -- rsync://u@10.0.0.1/m/ /target/`);
  });

  test('in the namespace: setpriv (die with us) and nsenter into the holder, then exactly the planned argv and only the planned variables', () => {
    expect(buildSpawnRequest(pull, { values, namespacePid: 4242 })).toEqual({
      command: 'setpriv',
      args: ['--pdeathsig', 'KILL', '--', 'nsenter', '-t', '4242', '-m', '-p', '-r', '-w', '--', 'chroot', '/run/rootcast/toolbox.7', 'rsync', ...pull.args],
      env: { PATH: '/usr/bin:/bin', RSYNC_PASSWORD: 's3cret' },
      cleanEnv: true,
    });
  });

  test('here: setpriv only; with our environment when planned so; without setpriv when it must outlive us', () => {
    const probe: PlannedCommand = { program: 'rsync', args: ['--list-only', 'rsync://u@h/m/'], env: ['PATH'], where: 'here', okExitCodes: [0] };
    expect(buildSpawnRequest(probe, { values })).toEqual({ command: 'setpriv', args: ['--pdeathsig', 'KILL', '--', 'rsync', '--list-only', 'rsync://u@h/m/'], env: { PATH: '/usr/bin:/bin' }, cleanEnv: true });
    expect(buildSpawnRequest({ ...probe, env: [], inheritEnv: true }, { values })).toMatchObject({ env: {}, cleanEnv: false });
    expect(buildSpawnRequest({ ...probe, diesWithUs: false }, { values })).toMatchObject({ command: 'rsync', args: ['--list-only', 'rsync://u@h/m/'] });
  });

  test('a namespace command without a namespace, a variable nobody provides, or a command that is not ours to spawn is an internal error, not a spawn', () => {
    expect(() => buildSpawnRequest(pull, { values })).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    expect(() => buildSpawnRequest({ ...pull, env: ['TOKEN'] }, { values, namespacePid: 1 })).toThrow(/asks for \$TOKEN/);
    expect(() => buildSpawnRequest({ ...pull, where: 'ssh' }, { values, namespacePid: 1 })).toThrow(/over an SSH session/);
    expect(() => buildSpawnRequest({ ...pull, where: 'script' }, { values, namespacePid: 1 })).toThrow(/inside a script/);
  });

  test('an ssh command is sent as exactly its printed line; nothing else may be sent', () => {
    const remote: PlannedCommand = { program: 'sh', args: ['-c', 'echo "a b"; date'], env: [], where: 'ssh', okExitCodes: [0] };
    expect(buildRemoteCommandLine(remote)).toBe(`sh -c 'echo "a b"; date'`);
    expect(() => buildRemoteCommandLine(pull)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });

  test('--dry-run shows where it runs, the line, and what the line cannot show: stdin, environment names (never values), success codes', () => {
    const repull: PlannedCommand = { program: 'rsync', args: ['--files-from=-', 'a/', 'b/'], env: ['LC_ALL'], inheritEnv: true, where: 'here', okExitCodes: [0, 24], stdin: 'the paths the listing found' };
    expect(formatPlannedCommandLines(repull, '  ')).toEqual([
      '  $ rsync --files-from=- a/ b/',
      '      (stdin: the paths the listing found; environment: ours + LC_ALL; success: exit 0, 24)',
    ]);
    expect(formatPlannedCommandLines({ program: 'true', args: [], env: [], where: 'ssh', okExitCodes: [0] }, '')).toEqual(['ssh$ true']);
    expect(describePlannedCommand(pull)).toEqual(['environment: PATH + RSYNC_PASSWORD', 'success: exit 0, 24']);
    expect(formatPlannedCommandLines(pull, '').join('\n')).not.toContain('s3cret');
    // One formatter for every plan: a legend's usual environment is left out; a command spawned as is says so.
    expect(formatPlannedCommandLines(pull, '  ', { env: ['RSYNC_PASSWORD', 'PATH'] })).toEqual([`  ${formatPlannedCommandLines(pull, '')[0]}`, '      (success: exit 0, 24)']);
    expect(describePlannedCommand({ ...repull, stdin: undefined, okExitCodes: [0], diesWithUs: false })).toEqual(['environment: ours + LC_ALL', 'spawned without setpriv']);
  });
});

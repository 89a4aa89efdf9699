import { describe, expect, test } from 'vitest';
import { buildSpawnRequest, formatPlannedCommand, type PlannedCommand } from '../../../src/sys/planned-command.js';

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
    });
  });

  test('in the runner\'s own namespaces: setpriv only', () => {
    const probe: PlannedCommand = { program: 'rsync', args: ['--list-only', 'rsync://u@h/m/'], env: ['PATH'], where: 'runner', okExitCodes: [0] };
    expect(buildSpawnRequest(probe, { values })).toEqual({ command: 'setpriv', args: ['--pdeathsig', 'KILL', '--', 'rsync', '--list-only', 'rsync://u@h/m/'], env: { PATH: '/usr/bin:/bin' } });
  });

  test('a namespace command without a namespace, or a variable nobody provides, is an internal error, not a spawn', () => {
    expect(() => buildSpawnRequest(pull, { values })).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
    expect(() => buildSpawnRequest({ ...pull, env: ['TOKEN'] }, { values, namespacePid: 1 })).toThrow(/asks for \$TOKEN/);
  });
});

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runBinary } from '../helpers/cli.js';

describe('push and drift refuse bad options before anything else (64, the option and the value named)', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'rootcast-push-options-'));
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  const cases: [string[], RegExp][] = [
    [['push', 'all', '--target-root', 'hosts/{host}'], /--target-root "hosts\/\{host\}" is not an absolute path/],
    [['drift', 'all', '--target-root', 'relative'], /--target-root "relative" is not an absolute path/],
    [['push', 'all', '--concurrency', '0'], /--concurrency "0" is not a whole number from 1 to 1024/],
    [['push', 'all', '--timeout', '1.5'], /--timeout "1.5" is not a whole number from 1 to 86400/],
    [['drift', 'all', '--ssh-port', '70000'], /--ssh-port "70000" is not a whole number from 1 to 65535/],
  ];
  test.each(cases)('%j', async (args, says) => {
    const run = await runBinary(['--home', home, ...args]);
    expect(run.status, run.stderr).toBe(64);
    expect(run.stderr).toMatch(says);
    // Refused before the inventory was even read: the home is as it was (empty).
    expect(await readdir(home)).toEqual([]);
  });
});

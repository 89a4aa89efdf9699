import { describe, expect, test } from 'vitest';
import { parseRunnerArgs } from '../../../src/runner/args.js';
import { parseRunnerOptions } from '../../../src/runner/options.js';
import { runnerOptionTable } from '../../../src/runner/option-table.js';
import { Option } from 'commander';
import { RootcastError } from '../../../src/errors/rootcast-error.js';
import { readTokenFile } from '../../../src/runner/token-file.js';
import { parseUpdateOptions } from '../../../src/update/update-options.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const catchError = (run: () => unknown): RootcastError => {
  try {
    run();
  } catch (error) {
    if (error instanceof RootcastError) return error;
  }
  throw new Error('expected a RootcastError');
};

describe('runner options', () => {
  test('defaults, the token from ROOTCAST_TOKEN and a trailing slash dropped from the server', () => {
    const parsed = parseRunnerArgs(['--target', '/mnt/sysroot', '--server', 'http://10.0.0.1:8080/', '--host', 'web07']);
    if (parsed.help) throw new Error('unexpected help');
    expect(parseRunnerOptions(parsed.raw, { ROOTCAST_TOKEN: 's3cret' })).toEqual({
      target: '/mnt/sysroot',
      server: 'http://10.0.0.1:8080',
      host: 'web07',
      token: 's3cret',
      dryRun: false,
      json: false,
      workDir: '/run/rootcast',
      retries: 20,
      progressIntervalSeconds: 2,
      stallSeconds: 90,
      bootloader: true,
    });
  });

  test('--firmware, --boot-disk and --no-bootloader: checked at once; a disk must be a device path', () => {
    const base = { target: '/mnt/sysroot', server: 'http://s:1', host: 'web07', token: 't' };
    expect(parseRunnerOptions({ ...base, firmware: 'efi' }, {})).toMatchObject({ firmware: 'efi', bootloader: true });
    expect(parseRunnerOptions({ ...base, firmware: 'auto', bootDisk: '/dev/sda,/dev/sdb' }, {})).toMatchObject({ bootDisks: ['/dev/sda', '/dev/sdb'] });
    expect(parseRunnerOptions({ ...base, firmware: 'auto' }, {}).firmware).toBeUndefined();
    expect(parseRunnerOptions({ ...base, noBootloader: true }, {}).bootloader).toBe(false);
    const error = catchError(() => parseRunnerOptions({ ...base, firmware: 'uefi', bootDisk: '/dev/sda;reboot' }, {}));
    expect(error.exitStatus).toBe(64);
    expect(error.details).toEqual(['--firmware: "uefi" is not bios, efi or auto', '--boot-disk: "/dev/sda;reboot" is not a device path such as /dev/sda']);
    expect(catchError(() => parseRunnerOptions({ ...base, noBootloader: true, bootDisk: '/dev/sda' }, {})).message).toMatch(/--no-bootloader: cannot be combined/);
  });

  test('every invalid option is reported at once as a usage error (64)', () => {
    const error = catchError(() =>
      parseRunnerOptions({ target: 'relative', server: 'ftp://x', host: '-bad', retries: '0', bwlimit: 'fast', stallTimeout: '0' }, {}),
    );
    expect(error.exitStatus).toBe(64);
    expect(error.details.join('\n')).toMatch(/--target.*absolute[\s\S]*--server.*http[\s\S]*--host[\s\S]*--token[\s\S]*--retries[\s\S]*--bwlimit[\s\S]*--stall-timeout "0" is not a whole number from 1/);
  });

  test('one option table: the bundle parses every option into the key commander stores it under for `rootcast runner`', () => {
    expect(runnerOptionTable).toHaveLength(15);
    // commander keeps a --no-X switch as X (rootcast runner maps it back, src/cli/commands/runner.ts).
    for (const spec of runnerOptionTable) {
      expect(new Option(`--${spec.flag}`).attributeName(), spec.flag).toBe(spec.flag.startsWith('no-') ? spec.key.replace(/^no([A-Z])/, (_, letter: string) => letter.toLowerCase()) : spec.key);
    }
    const argv = runnerOptionTable.flatMap((spec) => (spec.value === undefined ? [`--${spec.flag}`] : [`--${spec.flag}`, `v-${spec.flag}`]));
    const parsed = parseRunnerArgs(argv);
    if (parsed.help) throw new Error('unexpected help');
    expect(parsed.raw).toEqual(Object.fromEntries(runnerOptionTable.map((spec) => [spec.key, spec.value === undefined ? true : `v-${spec.flag}`])));
  });

  test('unknown flags are usage errors; --help is recognised', () => {
    expect(catchError(() => parseRunnerArgs(['--frobnicate'])).exitStatus).toBe(64);
    expect(parseRunnerArgs(['--help'])).toEqual({ help: true });
  });

  test('--token-file supplies the token (trailing newline dropped); with --token as well it is a usage error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rootcast-token-file-'));
    try {
      const file = join(dir, 'token');
      await writeFile(file, 'from-file-token\n', { mode: 0o600 });
      const parsed = parseRunnerArgs(['--target', '/', '--server', 'http://10.0.0.1:8080', '--host', 'web07', '--token-file', file]);
      if (parsed.help) throw new Error('unexpected help');
      expect(parseRunnerOptions(await readTokenFile(parsed.raw), { ROOTCAST_TOKEN: 'env-token' }).token).toBe('from-file-token');
      await expect(readTokenFile({ ...parsed.raw, token: 'x' })).rejects.toMatchObject({ code: 'USAGE' });
      await expect(readTokenFile({ ...parsed.raw, tokenFile: join(dir, 'missing') })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('--host follows the inventory\'s rule: a name the inventory would refuse (upper case, dots, _) is a usage error', () => {
    const base = { target: '/', server: 'http://10.0.0.1:8080', token: 't' };
    expect(parseRunnerOptions({ ...base, host: 'web-07' }, {}).host).toBe('web-07');
    for (const host of ['WEB07', 'web07.lab.example', 'web_07', 'a'.repeat(64)]) {
      const error = catchError(() => parseRunnerOptions({ ...base, host }, {}));
      expect(error.exitStatus, host).toBe(64);
      expect(error.message, host).toMatch(/--host: host name ".*" (is not a DNS label|is longer than 63)/);
    }
  });

  test('--server, --retries and --bwlimit: one rule for the runner and update alike (retries 1 to 1000)', () => {
    const base = { target: '/', host: 'web07', token: 't' };
    const runnerProblem = (raw: Record<string, string>): string => catchError(() => parseRunnerOptions({ ...base, server: 'http://s:1', ...raw }, {})).message.replace(/^invalid runner option /, '');
    const updateProblem = (raw: Record<string, string>): string => catchError(() => parseUpdateOptions(raw)).message;
    const bad: Record<string, string>[] = [{ server: 'ftp://x' }, { server: 'http://' }, { server: 'not a url' }, { retries: '0' }, { retries: '1001' }, { retries: '1e3' }, { bwlimit: 'fast' }, { bwlimit: '0' }];
    for (const raw of bad) {
      expect(runnerProblem(raw), JSON.stringify(raw)).toBe(updateProblem(raw));
    }
    expect(updateProblem({ retries: '1001' })).toBe('--retries "1001" is not a whole number from 1 to 1000');
    expect(updateProblem({ bwlimit: 'fast' })).toBe('--bwlimit "fast" is not a whole number of KiB/s from 1');
    expect(updateProblem({ server: 'ftp://x' })).toBe('--server "ftp://x" is not an http:// or https:// URL');
    expect(parseRunnerOptions({ ...base, server: 'https://s:1//', retries: '1000', bwlimit: '512' }, {})).toMatchObject({ server: 'https://s:1', retries: 1000, bwlimitKiB: 512 });
    expect(parseUpdateOptions({ server: 'https://s:1//', retries: '1000', bwlimit: '512' })).toMatchObject({ server: 'https://s:1', retries: 1000, bwlimitKiB: 512 });
  });
});

import { describe, expect, test } from 'vitest';
import { parseRunnerArgs } from '../../../src/runner/args.js';
import { parseRunnerOptions } from '../../../src/runner/options.js';
import { RootcastError } from '../../../src/errors/rootcast-error.js';

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
      retries: 5,
      progressIntervalSeconds: 3,
    });
  });

  test('every invalid option is reported at once as a usage error (64)', () => {
    const error = catchError(() =>
      parseRunnerOptions({ target: 'relative', server: 'ftp://x', host: '-bad', retries: '0', bwlimit: 'fast' }, {}),
    );
    expect(error.exitStatus).toBe(64);
    expect(error.details.join('\n')).toMatch(/--target.*absolute[\s\S]*--server.*http[\s\S]*--host[\s\S]*--token[\s\S]*--retries[\s\S]*--bwlimit/);
  });

  test('unknown flags are usage errors; --help is recognised', () => {
    expect(catchError(() => parseRunnerArgs(['--frobnicate'])).exitStatus).toBe(64);
    expect(parseRunnerArgs(['--help'])).toEqual({ help: true });
  });
});

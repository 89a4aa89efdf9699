import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { installTokenProblem } from '../../src/credentials/install-generation.js';
import { readCurrentGeneration } from '../../src/credentials/install-generation-store.js';
import { loadServerSecret } from '../../src/credentials/server-secret.js';
import { parseTokenClaim, verifyToken } from '../../src/credentials/token.js';
import type { HomePaths } from '../../src/home/paths.js';
import { runBinary, type CliRun } from '../helpers/cli.js';
import { addVersion, makeTempHome, removeHome } from '../helpers/image-builder.js';
import { snapshotTree } from '../helpers/tree-snapshot.js';

const lines = (...rows: string[]): string => `${rows.join('\n')}\n`;

describe('kickstart --check per release (the built binary)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rootcast-ks-check-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // EL8's Anaconda parses %packages with pykickstart's RHEL8 handler: --excludeWeakdeps only; the dashed spelling came with F32.
  const weakdeps = lines('text', '%packages --exclude-weakdeps', '@core', '%end');

  test('%packages --exclude-weakdeps is refused for rhel8 (65), naming the line and the EL8 spelling; ok for rhel9', async () => {
    const file = join(dir, 'web.ks');
    await writeFile(file, weakdeps);
    for (const distro of ['rhel8', 'rocky8', 'alma8']) {
      const refused = await runBinary(['kickstart', '--check', file, '--distro', distro]);
      expect(refused.status, distro).toBe(65);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toBe([
        `rootcast: error [INVALID_DATA]: kickstart ${file} has 1 problem(s) for rhel8`,
        '  line 2: option --exclude-weakdeps of %packages is not supported on rhel8 (supported on: rhel9, rhel10, fedora42, fedora43); use --excludeWeakdeps',
        '  hint: fix the listed lines (the syntax table is in docs/answer-files.md)',
        '',
      ].join('\n'));
    }
    const json = await runBinary(['--json', 'kickstart', '--check', file, '--distro', 'rhel8']);
    expect(json.status).toBe(65);
    expect(JSON.parse(json.stderr)).toEqual({
      error: { code: 'INVALID_DATA', exitStatus: 65, message: `kickstart ${file} has 1 problem(s) for rhel8`, hint: expect.any(String), details: [expect.stringMatching(/^line 2: .*use --excludeWeakdeps$/)] },
    });
    expect(await runBinary(['kickstart', '--check', file, '--distro', 'rhel9'])).toEqual({ status: 0, stdout: `${file}: ok (rhel9 kickstart syntax)\n`, stderr: '' });
    // The EL8 spelling passes on EL8.
    await writeFile(file, weakdeps.replace('--exclude-weakdeps', '--excludeWeakdeps'));
    expect(await runBinary(['kickstart', '--check', file, '--distro', 'rhel8'])).toEqual({ status: 0, stdout: `${file}: ok (rhel8 kickstart syntax)\n`, stderr: '' });
  });
});

describe('host reinstall (the built binary)', () => {
  let paths: HomePaths;
  let source: string;
  const run = (...argv: string[]): Promise<CliRun> => runBinary(['--home', paths.home, ...argv], { ROOTCAST_HOME: '' });
  const tokenIn = (answerFile: string): string => /ROOTCAST_TOKEN=(\S+)/.exec(answerFile)?.[1] ?? '';
  /** What serve's token check (src/server/handlers/host-auth.ts) says of `token` now. */
  const serveSays = async (token: string): Promise<string | undefined> => {
    const claim = parseTokenClaim(token);
    if (claim === undefined || !verifyToken(await loadServerSecret(paths), 'web07', token, claim)) return 'not a token of web07';
    return installTokenProblem(claim.generation, await readCurrentGeneration(paths, 'web07'), undefined, new Date());
  };

  beforeEach(async () => {
    paths = await makeTempHome('rootcast-reinstall-');
    source = await mkdtemp(join(tmpdir(), 'rootcast-reinstall-src-'));
    await mkdir(join(source, 'etc'));
    await writeFile(join(source, 'etc/motd'), 'hi\n');
    await addVersion(paths, 'web', source);
    await writeFile(paths.inventoryFile, lines('server: {url: "http://10.0.0.1:8780"}', 'install: {distro: rocky9}', 'hosts:', '  web07: {image: web}'));
  });
  afterEach(async () => {
    await removeHome(paths);
    await rm(source, { recursive: true, force: true });
  });

  test('revokes every answer file issued so far: their token stops working, a new answer file works', async () => {
    const first = await run('kickstart', 'web07');
    expect(first.status).toBe(0);
    const oldToken = tokenIn(first.stdout);
    expect(await serveSays(oldToken)).toBeUndefined();

    const before = snapshotTree(paths.home);
    const dry = await run('host', 'reinstall', 'web07', '--dry-run');
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain("would revoke web07's install tokens up to generation 1");
    expect(snapshotTree(paths.home)).toEqual(before);
    expect(await serveSays(oldToken)).toBeUndefined();

    const revoked = await run('host', 'reinstall', 'web07');
    expect(revoked).toEqual({
      status: 0,
      stdout: "revoked web07's install tokens up to generation 1; fetch a new answer file to install it again (rootcast kickstart/preseed web07, or its PXE entry)\n",
      stderr: '',
    });
    expect(await readCurrentGeneration(paths, 'web07')).toMatchObject({ generation: 2, kind: 'revocation', issuedBy: 'rootcast host reinstall' });
    expect(await serveSays(oldToken)).toMatch(/^it was revoked by "rootcast host reinstall" at /);
    expect((await run('host', 'show', 'web07')).stdout).toMatch(/token: +install token generation 2, revoked/);
    expect(JSON.parse((await run('--json', 'host', 'reinstall', 'web07')).stdout)).toEqual({ dryRun: false, host: 'web07', revokedThrough: 2, generation: 3 });

    const next = await run('kickstart', 'web07');
    expect(next.status).toBe(0);
    const newToken = tokenIn(next.stdout);
    expect(newToken).not.toBe(oldToken);
    expect(await serveSays(newToken)).toBeUndefined();
    expect(await serveSays(oldToken)).toMatch(/a newer answer file replaced it/);
  });

  test('an unknown host: 66 and nothing written; no host: a usage error', async () => {
    const before = snapshotTree(paths.home);
    const unknown = await run('host', 'reinstall', 'web99');
    expect(unknown.status).toBe(66);
    expect(unknown.stderr).toContain(`rootcast: error [NOT_FOUND]: host "web99" is not in the inventory ${paths.inventoryFile}`);
    expect((await run('host', 'reinstall')).status).toBe(64);
    expect(snapshotTree(paths.home)).toEqual(before);
  });
});

import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runInProcess } from '../helpers/cli.js';
import { allocatedBytes, buildFidelityTree, compareTrees, sparseFileSize } from '../helpers/fidelity-tree.js';
import { buildMinimalRoot, goldenClientPrograms } from '../helpers/minimal-root.js';
import { makeChrootDir, startSshd, type TestSshd } from '../helpers/sshd.js';

const capture = (args: string[]) => runInProcess(args);

/** Deploying is an rsync out of the version root with the same flags; this is what a machine would get. */
const materialise = (versionRoot: string, target: string): void => {
  mkdirSync(target, { recursive: true });
  execFileSync('rsync', ['-aHAXS', '--numeric-ids', `${versionRoot}/`, `${target}/`]);
};

const expectFaithful = (source: string, versionRoot: string, scratch: string): void => {
  expect(compareTrees(source, versionRoot)).toEqual([]);
  const deployed = join(scratch, 'deployed');
  materialise(versionRoot, deployed);
  expect(compareTrees(source, deployed)).toEqual([]);
  // Sparse stays sparse: a 64 MiB file with one 4 KiB block written must not be allocated in full.
  for (const root of [versionRoot, deployed]) expect(allocatedBytes(join(root, 'files/sparse.img'))).toBeLessThan(sparseFileSize / 64);
};

describe('capture fidelity: every file kind survives capture and materialisation', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'rootcast-fidelity-'));
  });
  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  test('from a directory (--from-dir)', async () => {
    const source = join(scratch, 'dir-source');
    mkdirSync(join(source, 'srv/fidelity'), { recursive: true });
    buildFidelityTree(join(source, 'srv/fidelity'));
    const home = join(scratch, 'home-dir');
    const result = await capture(['--home', home, 'capture', '--from-dir', source, '--image', 'fid']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expectFaithful(join(source, 'srv/fidelity'), join(home, 'images/fid/1/root/srv/fidelity'), join(scratch, 'dir-out'));

    // The comparer itself must notice what a careless copy would lose.
    const deployed = join(scratch, 'dir-out/deployed');
    execFileSync('setfattr', ['-n', 'user.rootcast', '-v', 'changed', join(deployed, 'attrs/xattr')]);
    chmodSync(join(deployed, 'modes/setuid'), 0o755);
    execFileSync('setfacl', ['-b', join(deployed, 'attrs/acl')]);
    const differences = compareTrees(join(source, 'srv/fidelity'), deployed).join('\n');
    expect(differences).toMatch(/"attrs\/xattr": xattrs/);
    expect(differences).toMatch(/"modes\/setuid": mode 104755 != 100755/);
    expect(differences).toMatch(/"attrs\/acl": (mode|xattrs)/);
  });

  describe('over SSH', () => {
    let root: string;
    let sshd: TestSshd;
    beforeAll(async () => {
      root = makeChrootDir();
      buildMinimalRoot(root, goldenClientPrograms());
      mkdirSync(join(root, 'srv/fidelity'), { recursive: true });
      buildFidelityTree(join(root, 'srv/fidelity'));
      sshd = await startSshd(root);
    });
    afterAll(async () => {
      await sshd?.stop();
      rmSync(root, { recursive: true, force: true });
    });

    test('through a real sshd', async () => {
      const home = join(scratch, 'home-ssh');
      const knownHosts = join(scratch, 'known_hosts');
      writeFileSync(knownHosts, `${sshd.hostKeyLine}\n`);
      const result = await capture(['--home', home, 'capture', `root@127.0.0.1:${sshd.port}`, '--image', 'fid', '--ssh-key', sshd.clientKeyPath, '--known-hosts', knownHosts]);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expectFaithful(join(root, 'srv/fidelity'), join(home, 'images/fid/1/root/srv/fidelity'), join(scratch, 'ssh-out'));
    });
  });
});

import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readCurrentGeneration, issueGeneration } from '../../../src/credentials/install-generation-store.js';
import { planInstallGeneration } from '../../../src/credentials/install-generation.js';
import { resolveHomePaths } from '../../../src/home/paths.js';
import { emptyHostRecord, hostRecordSchema, maxPreviousVersions, recordDeployStarting, recordDone, recordEnrolled, recordFailed, recordFailedOutsideRunner, versionsHeldBy } from '../../../src/state/host-record.js';
import { hostRecordRows } from '../../../src/state/present.js';
import { readHostRecord, readHostRecords, writeHostRecord } from '../../../src/state/host-record-store.js';

const t = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
const web = (version: number) => ({ image: 'web', version, ref: `web@${version}` });

describe('host record transitions', () => {
  test('an update (host credential) moves the version without spending an install generation, and records from, files and reboot', () => {
    const installed = recordDone(recordEnrolled(recordDeployStarting(emptyHostRecord('web07'), web(2), 1, t(0)), 1), 1, t(5));
    const updating = recordDeployStarting(installed, web(3), 1, t(10), undefined, 'push');
    expect(updating.deploying).toMatchObject({ ref: 'web@3', via: 'push', generation: 1 });
    // An install token's done of the same generation does not end an update, nor an update's done an install.
    expect(recordDone(updating, 1, t(12), 'install').deployed?.ref).toBe('web@2');
    const updated = recordDone(updating, 1, t(15), 'host', { files: 4, bytes: 120, rebootNeeded: true });
    expect(updated).toMatchObject({ deployed: { ref: 'web@3', via: 'push' }, completedGeneration: 1, last: { via: 'push', ref: 'web@3', from: 'web@2', files: 4, bytes: 120, rebootNeeded: true } });
    expect(updated.deploying).toBeUndefined();
    expect(hostRecordRows(updated).find(([label]) => label === 'last')?.[1]).toBe(`succeeded push of web@3 (from web@2) at ${t(15).toISOString()}, 4 files changed, 120 bytes, reboot needed`);
    // The rollback target is held (prune and rm keep it); older previous versions are not.
    const again = recordDone(recordDeployStarting(updated, web(4), 1, t(20), undefined, 'update'), 1, t(25), 'host');
    expect(versionsHeldBy(again).map((held) => held.ref)).toEqual(['web@4', 'web@3']);
    expect(again.previous.map((old) => old.ref)).toEqual(['web@3', 'web@2']);
  });

  test('deploying → done: the version becomes deployed, the token generation spent, the old version a rollback target', () => {
    let record = recordDone(recordDeployStarting(emptyHostRecord('web07'), web(2), 1, t(0)), 1, t(5));
    expect(record.deployed).toEqual({ ...web(2), via: 'install', at: t(5).toISOString() });
    expect(record.deploying).toBeUndefined();
    record = recordDeployStarting(record, web(3), 2, t(10));
    expect(versionsHeldBy(record).map((held) => held.ref)).toEqual(['web@2', 'web@3']);
    record = recordDone(recordEnrolled(record, 2), 2, t(15));
    expect(record).toMatchObject({ deployed: { ref: 'web@3' }, completedGeneration: 2, credentialGeneration: 2, last: { result: 'succeeded', ref: 'web@3' } });
    expect(record.previous).toEqual([{ ...web(2), until: t(15).toISOString() }]);
  });

  test('the layers deployed with a version move with it to deployed and show in host show', () => {
    const overrides = { layers: [{ layer: 'identity/web07', digest: `sha256:${'a'.repeat(64)}` }, { layer: 'all', digest: `sha256:${'b'.repeat(64)}` }], treeDigest: `sha256:${'c'.repeat(64)}` };
    const record = recordDone(recordDeployStarting(emptyHostRecord('web07'), web(2), 1, t(0), overrides), 1, t(5));
    expect(record.deployed).toEqual({ ...web(2), via: 'install', at: t(5).toISOString(), overrides });
    expect(hostRecordSchema.parse(record)).toEqual(record);
    expect(hostRecordRows(record)).toContainEqual(['layers', 'identity/web07 aaaaaaaaaaaa, all bbbbbbbbbbbb']);
    // A later version deployed without layers leaves no stale digests behind.
    const plain = recordDone(recordDeployStarting(record, web(3), 2, t(6)), 2, t(7));
    expect(plain.deployed?.overrides).toBeUndefined();
  });

  test('a done from another generation than the one deploying spends its token but proves nothing about the version', () => {
    const starting = recordDeployStarting(emptyHostRecord('web07'), web(2), 5, t(0));
    const stray = recordDone(starting, 4, t(1));
    expect(stray.deployed).toBeUndefined();
    expect(stray.deploying?.ref).toBe('web@2');
    expect(stray.completedGeneration).toBe(4);
  });

  test('a failure keeps the version deploying (protected) and says why', () => {
    const failed = recordFailed(recordDeployStarting(emptyHostRecord('web07'), web(2), 1, t(0)), 'sync-image: disk full', t(3));
    expect(failed.last).toEqual({ via: 'install', ref: 'web@2', result: 'failed', at: t(3).toISOString(), message: 'sync-image: disk full' });
    expect(versionsHeldBy(failed).map((held) => held.ref)).toEqual(['web@2']);
    expect(recordFailed(emptyHostRecord('x'), 'no deploy', t(0))).toEqual(emptyHostRecord('x'));
  });

  test('the bootstrap\'s failure is recorded, unless the runner already said why for this delivery', () => {
    const deploying = recordDeployStarting(emptyHostRecord('web07'), web(2), 1, t(0));
    expect(recordFailedOutsideRunner(deploying, 'bootstrap: cannot download the runner', t(1)).last?.message).toBe('bootstrap: cannot download the runner');
    const byRunner = recordFailed(deploying, 'sync-image: disk full', t(3));
    expect(recordFailedOutsideRunner(byRunner, 'bootstrap: the runner exited with status 75', t(4))).toEqual(byRunner);
    // A failure of an earlier delivery of the same version does not hide this one's.
    const again = recordDeployStarting(byRunner, web(2), 2, t(10));
    expect(recordFailedOutsideRunner(again, 'installer: anaconda aborted', t(11)).last?.message).toBe('installer: anaconda aborted');
  });

  test('keeps a bounded number of rollback targets', () => {
    let record = emptyHostRecord('web07');
    for (let version = 1; version <= maxPreviousVersions + 3; version += 1) record = recordDone(recordDeployStarting(record, web(version), version, t(version)), version, t(version));
    expect(record.previous).toHaveLength(maxPreviousVersions);
    expect(record.previous[0]?.ref).toBe(`web@${maxPreviousVersions + 2}`);
  });
});

describe('host record store and install generations on disk', () => {
  test('round trip, empty record for a host without state, damaged files are named', async () => {
    const paths = resolveHomePaths({ home: await mkdtemp(join(tmpdir(), 'rootcast-state-')) });
    try {
      expect(await readHostRecord(paths, 'web07')).toEqual(emptyHostRecord('web07'));
      const record = recordDeployStarting(emptyHostRecord('web07'), web(1), 1, t(0));
      await writeHostRecord(paths, record);
      expect(await readHostRecord(paths, 'web07')).toEqual(record);
      expect((await readHostRecords(paths)).map((found) => found.host)).toEqual(['web07']);
      await mkdir(join(paths.stateDir, 'hosts', 'db01'), { recursive: true });
      await writeFile(join(paths.stateDir, 'hosts', 'db01', 'record.json'), '{"formatVersion":1}');
      await expect(readHostRecord(paths, 'db01')).rejects.toMatchObject({ code: 'INVALID_DATA', message: expect.stringContaining('db01/record.json is damaged') });
    } finally {
      await rm(paths.home, { recursive: true, force: true });
    }
  });

  test('20 concurrent issuers each publish a distinct generation; the newest is current; old files are pruned', async () => {
    const paths = resolveHomePaths({ home: await mkdtemp(join(tmpdir(), 'rootcast-gen-')) });
    try {
      expect(await readCurrentGeneration(paths, 'web07')).toBeUndefined();
      const issued = await Promise.all(
        Array.from({ length: 20 }, (_, index) => issueGeneration(paths, 'web07', (generation) => planInstallGeneration(generation, 'token', t(index), 60_000, `issuer ${index}`))),
      );
      expect(new Set(issued.map((entry) => entry.generation)).size).toBe(20);
      expect((await readCurrentGeneration(paths, 'web07'))?.generation).toBe(20);
      expect((await readdir(join(paths.stateDir, 'hosts', 'web07', 'install'))).sort()).toEqual(['16.json', '17.json', '18.json', '19.json', '20.json']);
    } finally {
      await rm(paths.home, { recursive: true, force: true });
    }
  });
});

import { describe, expect, test } from 'vitest';
import { collectHolders, holderReasons, holdersOf, holdingHosts } from '../../../src/image/version-holders.js';
import { emptyHostRecord, recordDeployStarting, recordDone, versionsHeldBy } from '../../../src/state/host-record.js';

const web = (version: number) => ({ image: 'web', version, ref: `web@${version}` });
const t = (seconds: number): Date => new Date(Date.UTC(2025, 0, 1, 0, 0, seconds));

describe('collectHolders', () => {
  test('labels each host by why it holds a version: deployed, deploying, rollback target', () => {
    // web01 ran web@1, runs web@2 and is being given web@3; web02 is installing web@1; db01 runs another image.
    const web01 = recordDeployStarting(recordDone(recordDeployStarting(recordDone(recordDeployStarting(emptyHostRecord('web01'), web(1), 1, t(0)), 1, t(1)), web(2), 2, t(2)), 2, t(3)), web(3), 3, t(4));
    const web02 = recordDeployStarting(emptyHostRecord('web02'), web(1), 1, t(5));
    const db01 = recordDone(recordDeployStarting(emptyHostRecord('db01'), { image: 'db', version: 1, ref: 'db@1' }, 1, t(6)), 1, t(7));
    expect(versionsHeldBy(web01).map((held) => `${held.ref} ${held.role}`)).toEqual(['web@2 deployed', 'web@3 deploying', 'web@1 rollback']);
    const holders = collectHolders('web', [web01, web02, db01].map((record) => ({ host: record.host, held: versionsHeldBy(record) })));
    expect(Object.fromEntries(holders)).toEqual({
      1: { deployed: [], deploying: ['web02'], rollback: ['web01'] },
      2: { deployed: ['web01'], deploying: [], rollback: [] },
      3: { deployed: [], deploying: ['web01'], rollback: [] },
    });
    expect(holderReasons(holdersOf(holders, 1))).toEqual(['being deployed to web02', 'kept for rollback by web01']);
    expect(holderReasons(holdersOf(holders, 2))).toEqual(['deployed on web01']);
    expect(holderReasons(holdersOf(holders, 9))).toEqual([]);
    expect(holdingHosts(holdersOf(holders, 1))).toEqual(['web01', 'web02']);
  });

  test('a host redeploying the version it runs is listed under both, once each', () => {
    const again = recordDeployStarting(recordDone(recordDeployStarting(emptyHostRecord('web01'), web(2), 1, t(0)), 1, t(1)), web(2), 2, t(2));
    const holders = collectHolders('web', [{ host: 'web01', held: versionsHeldBy(again) }, { host: 'web01', held: versionsHeldBy(again) }]);
    expect(holdersOf(holders, 2)).toEqual({ deployed: ['web01'], deploying: ['web01'], rollback: [] });
    expect(holdingHosts(holdersOf(holders, 2))).toEqual(['web01']);
  });
});

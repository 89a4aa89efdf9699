import { describe, expect, test } from 'vitest';
import { planPrune, planRemoval, type ImageState } from '../../../src/image/removal-plan.js';
import { parseKeepCount } from '../../../src/image/remove.js';
import { RootcastError } from '../../../src/errors/rootcast-error.js';

const state = (overrides: Partial<ImageState> = {}): ImageState => ({
  image: 'web',
  versions: [1, 2, 3, 4, 5],
  tags: { stable: 2 },
  holders: new Map([[1, { deployed: ['web01', 'web02'], deploying: [], rollback: [] }]]),
  ...overrides,
});

const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as RootcastError).code;
  }
};

describe('planRemoval', () => {
  test('an untagged, undeployed version is removed', () => {
    expect(planRemoval(state(), { version: 4 })).toEqual({ image: 'web', whole: false, versions: [4], dropTags: [], orphanedHosts: [] });
  });

  test('a tagged version is IN_USE, naming the tag', () => {
    expect(() => planRemoval(state(), { version: 2 })).toThrow(/web@2 is in use \(tagged stable\)/);
  });

  test('a deployed version is IN_USE, naming the hosts', () => {
    expect(() => planRemoval(state(), { version: 1 })).toThrow(/deployed on web01, web02/);
  });

  test('--force drops the tags and reports hosts left behind', () => {
    expect(planRemoval(state(), { version: 2, force: true }).dropTags).toEqual(['stable']);
    expect(planRemoval(state(), { version: 1, force: true }).orphanedHosts).toEqual(['web01', 'web02']);
  });

  test('the whole image is held by any tag or deployment', () => {
    expect(codeOf(() => planRemoval(state(), { version: undefined }))).toBe('IN_USE');
    expect(planRemoval(state({ tags: {}, holders: new Map() }), { version: undefined })).toMatchObject({ whole: true, versions: [1, 2, 3, 4, 5] });
  });
});

describe('versions held without being deployed', () => {
  // web01 runs 3 and is being given 4; web02 ran 2 before 3 (its rollback target); web03 is being given 2.
  const held = state({
    tags: {},
    holders: new Map([
      [2, { deployed: [], deploying: ['web03'], rollback: ['web02'] }],
      [3, { deployed: ['web01', 'web02'], deploying: [], rollback: [] }],
      [4, { deployed: [], deploying: ['web01'], rollback: [] }],
    ]),
  });

  test('rm refuses a version being deployed or kept for rollback, saying which and why', () => {
    expect(() => planRemoval(held, { version: 4 })).toThrow('web@4 is in use (being deployed to web01)');
    expect(() => planRemoval(held, { version: 2 })).toThrow('web@2 is in use (being deployed to web03; kept for rollback by web02)');
    expect(planRemoval(held, { version: 2, force: true }).orphanedHosts).toEqual(['web02', 'web03']);
    expect(planRemoval(held, { version: 5 }).versions).toEqual([5]);
  });

  test('prune keeps them with the same reasons, even with --keep 0', () => {
    expect(planPrune(held, 0).map((d) => [d.version, d.action, d.reasons])).toEqual([
      [1, 'remove', ['older than the newest 0']],
      [2, 'keep', ['being deployed to web03', 'kept for rollback by web02']],
      [3, 'keep', ['deployed on web01, web02']],
      [4, 'keep', ['being deployed to web01']],
      [5, 'remove', ['older than the newest 0']],
    ]);
  });
});

describe('planPrune', () => {
  test('keeps the newest N plus tagged and deployed versions, with reasons', () => {
    const decisions = planPrune(state(), 2);
    expect(decisions.map((d) => `${d.version}:${d.action}`)).toEqual(['1:keep', '2:keep', '3:remove', '4:keep', '5:keep']);
    expect(decisions[0]?.reasons).toEqual(['deployed on web01, web02']);
    expect(decisions[1]?.reasons).toEqual(['tagged stable']);
    expect(decisions[2]?.reasons).toEqual(['older than the newest 2']);
    expect(decisions[4]?.reasons).toEqual(['one of the newest 2']);
  });

  test('--keep 0 removes every version nothing holds, and keeps the tagged and deployed ones', () => {
    const decisions = planPrune(state(), 0);
    for (const decision of decisions) expect(decision.action === 'keep').toBe(decision.reasons.some((reason) => /^(tagged|deployed)/.test(reason)));
    expect(decisions.some((decision) => decision.action === 'remove')).toBe(true);
  });

  test('keeping more than exist removes nothing', () => {
    expect(planPrune(state(), 10).every((d) => d.action === 'keep')).toBe(true);
  });
});

describe('parseKeepCount', () => {
  test('accepts whole numbers from 0', () => {
    expect(parseKeepCount('0')).toBe(0);
    expect(parseKeepCount('1')).toBe(1);
    expect(parseKeepCount('12')).toBe(12);
  });

  test.each(['-1', 'abc', '1.5', '', ' 2', '99999999999999999999'])('rejects %j as USAGE', (text) => {
    expect(codeOf(() => parseKeepCount(text))).toBe('USAGE');
  });
});

import { describe, expect, test } from 'vitest';
import { deployedStateSchema, maxDeployedHistory, recordDelivery, type DeployedDelivery } from '../../../src/protocol/deployed-state.js';

const delivery = (version: number, via: DeployedDelivery['via'] = 'install'): DeployedDelivery => ({
  image: 'web',
  version,
  ref: `web@${version}`,
  via,
  at: `2026-11-27T0${version % 10}:00:00.000Z`,
  overrides: { layers: [{ layer: 'all', digest: `sha256:${'a'.repeat(64)}` }], treeDigest: `sha256:${'b'.repeat(64)}` },
});

describe('the deployed state on a host', () => {
  test('each delivery becomes current and pushes the previous one to the front of a bounded history', () => {
    let state = recordDelivery(undefined, 'web07', 'http://10.0.0.1:8780', delivery(1));
    expect(state.history).toEqual([]);
    for (let version = 2; version <= maxDeployedHistory + 3; version += 1) state = recordDelivery(state, 'web07', 'http://10.0.0.1:8780', delivery(version, 'update'));
    expect(state.current.version).toBe(maxDeployedHistory + 3);
    expect(state.history.map((old) => old.version)).toEqual(Array.from({ length: maxDeployedHistory }, (_, index) => maxDeployedHistory + 2 - index));
    expect(deployedStateSchema.parse(JSON.parse(JSON.stringify(state)))).toEqual(state);
  });

  test('a file with an unknown field, a bad digest or a bad time is refused', () => {
    const good = recordDelivery(undefined, 'web07', 'http://s', delivery(1));
    expect(deployedStateSchema.safeParse({ ...good, extra: 1 }).success).toBe(false);
    expect(deployedStateSchema.safeParse({ ...good, current: { ...good.current, overrides: { layers: [], treeDigest: 'md5:x' } } }).success).toBe(false);
    expect(deployedStateSchema.safeParse({ ...good, current: { ...good.current, at: 'yesterday' } }).success).toBe(false);
    expect(deployedStateSchema.safeParse({ ...good, current: { ...good.current, overrides: null } }).success).toBe(true);
  });
});

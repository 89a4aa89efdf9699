import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { resolveHomePaths } from '../../../src/home/paths.js';
import { planRsyncdConfig } from '../../../src/server/rsyncd-plan.js';
import { compileRsyncdConfTemplate } from '../../../src/server/rsyncd-render.js';
import { nextExpiry, renderRsyncdSecrets, type HostCredentialState } from '../../../src/server/rsyncd-secrets.js';
import { deriveToken } from '../../../src/credentials/token.js';
import { emptyHostRecord } from '../../../src/state/host-record.js';
import type { ServeFleet } from '../../../src/server/serve-fleet.js';

const golden = (name: string) => join(import.meta.dirname, 'golden', name);
const paths = resolveHomePaths({ home: '/srv/rootcast' });
const fleet: ServeFleet = {
  hosts: [
    { name: 'web07', macs: ['52:54:00:12:34:56'], ip: '10.0.0.17', imageRef: 'web@stable' },
    { name: 'db01', macs: [], ip: '10.0.0.31', imageRef: 'db' },
    { name: 'web08', macs: ['52:54:00:12:34:57'], imageRef: 'web' },
  ],
};
const versions = [
  { image: 'web', version: 2 },
  { image: 'db', version: 1 },
  { image: 'web', version: 1 },
];

// Set UPDATE_GOLDEN=1 to rewrite the golden files after an intended template change, then review the diff.
const matchGolden = async (name: string, text: string): Promise<void> => {
  if (process.env['UPDATE_GOLDEN'] === '1') await writeFile(golden(name), text);
  expect(text).toBe(await readFile(golden(name), 'utf8'));
};

describe('rsyncd.conf', () => {
  test('renders the fixture fleet to the golden file', async () => {
    const config = planRsyncdConfig({ paths, fleet, versions, extraAllow: ['192.168.50.0/24', '10.0.0.17'] });
    await matchGolden('rsyncd.conf', compileRsyncdConfTemplate()(config));
  });

  test('an empty fleet gets no modules and no hosts allow: everything is denied', async () => {
    const config = planRsyncdConfig({ paths, fleet: { hosts: [] }, versions, extraAllow: [] });
    expect(config.modules).toEqual([]);
    await matchGolden('rsyncd-empty.conf', compileRsyncdConfTemplate()(config));
  });

  test('an image no host is set to gets no module: a module without auth users would be open to all', () => {
    const config = planRsyncdConfig({ paths, fleet, versions: [...versions, { image: 'old', version: 4 }], extraAllow: [] });
    expect(config.modules.map((module) => module.name)).toEqual(['img.db.1', 'img.web.1', 'img.web.2', 'ovl.db01', 'ovl.web07', 'ovl.web08']);
    expect(config.modules.every((module) => module.authUsers.length > 0)).toBe(true);
  });

  test('the secrets file holds each good install token and each enrolled credential, and nothing spent, voided or expired', () => {
    const secret = Buffer.alloc(32, 0x0b);
    const now = new Date('2026-01-01T12:00:00Z');
    const token = (generation: number, expiresAt = '2026-01-02T00:00:00Z') => ({ generation, kind: 'token' as const, issuedAt: '2026-01-01T00:00:00Z', expiresAt, issuedBy: 'test' });
    const states: HostCredentialState[] = [
      { host: 'web08', current: token(2), record: emptyHostRecord('web08') },
      { host: 'web07', current: token(3), record: { ...emptyHostRecord('web07'), completedGeneration: 3, credentialGeneration: 3 } },
      { host: 'db01', current: token(1, '2026-01-01T11:59:59Z'), record: emptyHostRecord('db01') },
      { host: 'db02', current: { generation: 4, kind: 'revocation', issuedAt: '2026-01-01T00:00:00Z', issuedBy: 'test' }, record: { ...emptyHostRecord('db02'), credentialGeneration: 2 } },
      { host: 'new01', current: undefined, record: emptyHostRecord('new01') },
    ];
    expect(renderRsyncdSecrets(states, secret, now)).toBe(
      [
        `host.db02:${deriveToken(secret, 'host', 'db02', 2)}`,
        `host.web07:${deriveToken(secret, 'host', 'web07', 3)}`,
        `install.web08:${deriveToken(secret, 'install', 'web08', 2)}`,
        '',
      ].join('\n'),
    );
    expect(nextExpiry(states, now)).toEqual(new Date('2026-01-02T00:00:00Z'));
  });

  test('every module names both of a host\'s rsync users (install token and host credential)', () => {
    const config = planRsyncdConfig({ paths, fleet, versions, extraAllow: [] });
    expect(config.modules.find((module) => module.name === 'img.db.1')?.authUsers).toEqual(['host.db01', 'install.db01']);
  });

  test('bad --rsync-allow entries and unsafe homes are refused', () => {
    expect(() => planRsyncdConfig({ paths, fleet, versions, extraAllow: ['10.0.0.0/33', 'example.com'] })).toThrow(/10\.0\.0\.0\/33.*example\.com/);
    const unsafe = resolveHomePaths({ home: '/srv/root\ncast' });
    expect(() => planRsyncdConfig({ paths: unsafe, fleet, versions, extraAllow: [] })).toThrow(/cannot go into rsyncd.conf/);
  });

  test('a misspelt template field is an error, not an empty value (strict)', () => {
    const render = compileRsyncdConfTemplate('pid file = {{files.pidFiel}}\n');
    expect(() => render(planRsyncdConfig({ paths, fleet, versions, extraAllow: [] }))).toThrow(/pidFiel/);
  });
});

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { resolveHomePaths } from '../../../src/home/paths.js';
import { planRsyncdConfig } from '../../../src/server/rsyncd-plan.js';
import { compileRsyncdConfTemplate, renderRsyncdSecrets } from '../../../src/server/rsyncd-render.js';
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
    expect(config.modules.map((module) => module.name)).toEqual(['img.db.1', 'img.web.1', 'img.web.2', 'overrides']);
    expect(config.modules.every((module) => module.authUsers.length > 0)).toBe(true);
  });

  test('the secrets file has one host:token line per host, sorted', () => {
    const text = renderRsyncdSecrets(fleet, Buffer.alloc(32, 0x0b));
    expect(text.split('\n').map((line) => line.split(':')[0])).toEqual(['db01', 'web07', 'web08', '']);
    expect(text).toContain('web07:789093c19115d6d80a47104ad77f110b6dd744d04a9f81061b8edc22422cfa91\n');
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

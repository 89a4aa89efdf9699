import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { HomePaths } from '../../src/home/paths.js';
import { makeTempHome, removeHome } from '../helpers/image-builder.js';
import { snapshotTree } from '../helpers/tree-snapshot.js';
import { runBinary, type CliRun } from '../helpers/cli.js';

const lines = (...rows: string[]): string => `${rows.join('\n')}\n`;

const inventory = lines(
  '# lab inventory',
  'server: {url: "http://10.0.0.1:8780"}',
  'networks:',
  '  lab: {subnet: 10.0.0.0/24, gateway: 10.0.0.1}',
  'images:',
  '  web: {}',
  'groups:',
  '  web: {image: web, network: lab, vars: {role: web}} # front ends',
  '  edge: {image: web}',
  'hosts:',
  '  db01: {mac: "52:54:00:00:00:01", ip: 10.0.0.5, image: web} # keep',
  '  # the web tier',
  '  web01:',
  '    ip: 10.0.0.11',
  '    groups: [web]',
  '    vars: {rack: a1}',
  '  web02: {ip: 10.0.0.12, groups: [web]}',
  '  "app[1-3]": {ip: 10.0.0.21, groups: [web]}',
);

describe('rootcast host set / group set (the built binary)', () => {
  let paths: HomePaths;
  const run = (...args: string[]): Promise<CliRun> => runBinary(['--home', paths.home, ...args]);
  const text = (): Promise<string> => readFile(paths.inventoryFile, 'utf8');

  beforeEach(async () => {
    paths = await makeTempHome('rootcast-set-');
    await writeFile(paths.inventoryFile, inventory);
  });
  afterEach(async () => {
    await removeHome(paths);
  });

  test('a MAC is added, grown into a list and removed again in place; nothing else in the file moves', async () => {
    const set = await run('host', 'set', 'web01', '--mac', '52-54-00-00-00-11');
    expect(set).toMatchObject({ status: 0, stderr: '' });
    expect(set.stdout).toMatch(/^updated 1 host in .*rootcast\.yaml\nNAME\s+IP\s+MAC\s+IMAGE\s+GROUPS\s+VARS\nweb01\s+10\.0\.0\.11\s+52:54:00:00:00:11\s+web\s+web\s+role=web rack=a1\n$/);
    expect(await text()).toBe(inventory.replace('    vars: {rack: a1}\n', '    vars: {rack: a1}\n    mac: "52:54:00:00:00:11"\n'));

    expect((await run('host', 'set', 'web01', '--add-mac', '52:54:00:00:00:12')).status).toBe(0);
    expect(await text()).toBe(inventory.replace('    vars: {rack: a1}\n', '    vars: {rack: a1}\n    macs: ["52:54:00:00:00:11", "52:54:00:00:00:12"]\n'));

    expect((await run('host', 'set', 'web01', '--remove-mac', '52:54:00:00:00:11', '--remove-mac', '52:54:00:00:00:12')).status).toBe(0);
    expect(await text()).toBe(inventory);
  });

  test('several hosts: groups appended, vars set, consecutive addresses; a range key is edited as one entry', async () => {
    const both = await run('host', 'set', 'web[01-02]', '--add-group', 'edge', '--var', 'tier=front', '--ip', '10.0.0.31');
    expect(both).toMatchObject({ status: 0, stderr: '' });
    expect(both.stdout).toContain('updated 2 hosts in');
    const range = await run('--json', 'host', 'set', 'app[1-3]', '--group', 'edge', '--ip', '10.0.0.41');
    expect(range.status).toBe(0);
    const report = JSON.parse(range.stdout) as { dryRun: boolean; keys: string[]; updated: { name: string; ip: string; groups: string[] }[] };
    expect(report.keys).toEqual(['app[1-3]']);
    expect(report.updated.map((host) => [host.name, host.ip, host.groups])).toEqual([
      ['app1', '10.0.0.41', ['edge']],
      ['app2', '10.0.0.42', ['edge']],
      ['app3', '10.0.0.43', ['edge']],
    ]);
    expect(await text()).toBe(
      inventory
        .replace('    ip: 10.0.0.11\n    groups: [web]\n    vars: {rack: a1}\n', '    ip: 10.0.0.31\n    groups: [web, edge]\n    vars: {rack: a1, tier: front}\n')
        .replace('  web02: {ip: 10.0.0.12, groups: [web]}', '  web02: {ip: 10.0.0.32, groups: [web, edge], vars: {tier: front}}')
        .replace('  "app[1-3]": {ip: 10.0.0.21, groups: [web]}', '  "app[1-3]": {ip: 10.0.0.41, groups: [edge]}'),
    );
    expect((await run('host', 'set', 'web01', '--unset-var', 'rack', '--unset-var', 'tier', '--remove-group', 'edge')).status).toBe(0);
    expect(await text()).toContain('  web01:\n    ip: 10.0.0.31\n    groups: [web]\n  web02:');
  });

  test('--dry-run shows the hosts as they would become and writes nothing', async () => {
    const before = snapshotTree(paths.home);
    const dry = await run('host', 'set', 'web02', '--image', 'web@1', '--dry-run');
    expect(dry.status).toBe(0);
    expect(dry.stdout).toMatch(/^dry-run: would update 1 host in /);
    expect(dry.stdout).toMatch(/^web02\s+10\.0\.0\.12\s+-\s+web@1\s+web\s+role=web$/m);
    const dryGroup = await run('group', 'set', 'web', '--var', 'role=front', '--dry-run');
    expect(dryGroup.stdout).toContain('dry-run: would update group web in');
    expect(snapshotTree(paths.home)).toEqual(before);
  });

  test('group set edits the group in place, keeping its comment', async () => {
    const set = await run('group', 'set', 'web', '--var', 'tier=front', '--unset-var', 'role', '--description', 'front ends');
    expect(set).toMatchObject({ status: 0, stderr: '' });
    expect(set.stdout).toContain('updated group web in');
    expect(set.stdout).toContain('hosts:   web01, web02, app1, app2, app3');
    expect(await text()).toBe(inventory.replace('  web: {image: web, network: lab, vars: {role: web}} # front ends', '  web: {image: web, network: lab, vars: {tier: front}, description: front ends} # front ends'));
  });

  test('an edit that breaks answer files is written with a warning naming the place', async () => {
    const result = await run('group', 'set', 'edge', '--network', 'lab');
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    await writeFile(paths.inventoryFile, inventory.replace('gateway: 10.0.0.1', 'dns: [10.0.0.2]'));
    const warned = await run('host', 'set', 'db01', '--network', 'lab');
    expect(warned.status).toBe(0);
    expect(warned.stderr).toBe(
      [
        'rootcast: warning: networks.lab.gateway (line 4): answer files will fail: a static network needs a gateway (affects the answer files of db01, web01, web02 and 3 more)',
        "rootcast: warning: hosts.db01 (line 11): deploying will fail: identity: network card 52:54:00:00:00:01: static addressing needs a gateway (set one on the host's network)",
        '',
      ].join('\n'),
    );
  });

  interface BadCase {
    name: string;
    argv: string[];
    status: number;
    code: string;
    says: string[];
  }
  const bad: BadCase[] = [
    { name: 'unknown host', argv: ['host', 'set', 'ghost01', '--ip', '10.0.0.99'], status: 66, code: 'NOT_FOUND', says: ['host "ghost01" not in the inventory'] },
    { name: 'one host of a range key', argv: ['host', 'set', 'app2', '--group', 'edge'], status: 65, code: 'INVALID_DATA', says: ['host "app2" comes from the range hosts.app[1-3] (line 18); it cannot be changed on its own', "rootcast host set 'app[1-3]'"] },
    { name: 'bad MAC', argv: ['host', 'set', 'web01', '--mac', '52:54:00:zz:00:01'], status: 64, code: 'USAGE', says: ['"52:54:00:zz:00:01" is not a MAC address'] },
    { name: 'MAC for several hosts', argv: ['host', 'set', 'web[01-02]', '--add-mac', '52:54:00:00:00:99'], status: 64, code: 'USAGE', says: ['web[01-02] (2 hosts)', 'own MAC'] },
    { name: 'MAC for a range key', argv: ['host', 'set', 'app[1-3]', '--mac', '52:54:00:00:00:99'], status: 64, code: 'USAGE', says: ['app[1-3] (3 hosts)'] },
    { name: 'MAC of another host', argv: ['host', 'set', 'web01', '--mac', '52:54:00:00:00:01'], status: 65, code: 'INVENTORY_INVALID', says: ['hosts.web01.mac', 'db01 at hosts.db01 (line 11)'] },
    { name: 'removing a MAC the host does not have', argv: ['host', 'set', 'db01', '--remove-mac', '52:54:00:00:00:02'], status: 66, code: 'NOT_FOUND', says: ['--remove-mac 52:54:00:00:00:02: not a MAC of db01', 'their MACs: 52:54:00:00:00:01'] },
    { name: 'unsetting a var that comes from a group', argv: ['host', 'set', 'web01', '--unset-var', 'role'], status: 66, code: 'NOT_FOUND', says: ['var "role" is not set on host web01', 'rootcast group set web --unset-var role'] },
    { name: 'unsetting a var nobody has', argv: ['host', 'set', 'web[01-02]', '--unset-var', 'colour'], status: 66, code: 'NOT_FOUND', says: ['var "colour" is not set on any of web01, web02'] },
    { name: 'removing a group the hosts are not in', argv: ['host', 'set', 'web01', '--remove-group', 'edge'], status: 66, code: 'NOT_FOUND', says: ['web01 is not in group "edge"', 'their groups: web'] },
    { name: 'an unknown group', argv: ['host', 'set', 'web01', '--add-group', 'ghost'], status: 65, code: 'INVENTORY_INVALID', says: ['hosts.web01.groups[1]', 'group "ghost" is not defined'] },
    { name: 'nothing to change', argv: ['host', 'set', 'web01'], status: 64, code: 'USAGE', says: ['rootcast host set: nothing to change'] },
    { name: '--group mixed with --add-group', argv: ['host', 'set', 'web01', '--group', 'web', '--add-group', 'edge'], status: 64, code: 'USAGE', says: ['--group replaces the whole list'] },
    { name: 'set and unset one var', argv: ['host', 'set', 'web01', '--var', 'a=1', '--unset-var', 'a'], status: 64, code: 'USAGE', says: ['--var a=... and --unset-var a contradict each other'] },
    { name: 'a newline in a var', argv: ['host', 'set', 'web01', '--var', 'motd=a\nb'], status: 64, code: 'USAGE', says: ['--var motd "a\\nb" contains a control character'] },
    { name: 'unknown group for group set', argv: ['group', 'set', 'ghost', '--image', 'web'], status: 66, code: 'NOT_FOUND', says: ['group "ghost" is not in the inventory'] },
    { name: 'group set of an unknown network', argv: ['group', 'set', 'edge', '--network', 'wan'], status: 65, code: 'INVENTORY_INVALID', says: ['groups.edge.network', 'network "wan" is not defined'] },
    { name: 'group set --unset-var of a var that is not set', argv: ['group', 'set', 'web', '--unset-var', 'colour'], status: 66, code: 'NOT_FOUND', says: ['var "colour" is not set on group web', 'its vars: role'] },
    { name: 'group set with nothing to change', argv: ['group', 'set', 'web'], status: 64, code: 'USAGE', says: ['rootcast group set: nothing to change'] },
  ];

  test.each(bad.map((badCase) => [badCase.name, badCase] as const))('refused: %s', async (_name, badCase) => {
    const before = snapshotTree(paths.home);
    const result = await run(...badCase.argv);
    expect({ status: result.status, stdout: result.stdout }).toEqual({ status: badCase.status, stdout: '' });
    expect(result.stderr).toContain(`[${badCase.code}]`);
    for (const text of badCase.says) expect(result.stderr).toContain(text);
    expect(snapshotTree(paths.home)).toEqual(before);
  });
});

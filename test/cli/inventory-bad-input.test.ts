import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runInProcess } from '../helpers/cli.js';
import { snapshotFileBytes } from '../helpers/tree-snapshot.js';

const inventory = `# lab inventory
networks:
  lab: {subnet: 10.0.0.0/24, gateway: 10.0.0.1, domain: lab.example}
images:
  web: {}
groups:
  web: {image: web, network: lab}   # front ends
hosts:
  db01: {mac: "52:54:00:00:00:01", ip: 10.0.0.5, image: web}
  web01: {mac: 52:54:00:00:00:11, ip: 10.0.0.11, groups: [web]}
  "web[02-04]": {ip: 10.0.0.12, groups: [web], identity: {interface: eno1}}
`;

interface BadCase {
  name: string;
  /** The inventory file's content before the command; undefined = no file. @default inventory */
  file?: string | undefined;
  argv: string[];
  status: number;
  code: string;
  /** Every string must appear in the printed error: the object it is about, and what is wrong. */
  says: string[];
}

const cases: BadCase[] = [
  { name: 'reversed range', argv: ['host', 'add', 'web[5-1]'], status: 64, code: 'USAGE', says: ['web[5-1]', 'runs backwards'] },
  { name: 'unclosed range', argv: ['host', 'add', 'web[01-'], status: 64, code: 'USAGE', says: ['web[01-', 'without a closing "]"'] },
  { name: 'letter range', argv: ['host', 'add', 'web[a-z]'], status: 64, code: 'USAGE', says: ['[a-z]', 'not a numeric range'] },
  { name: 'huge range', argv: ['host', 'add', 'web[1-20000]'], status: 64, code: 'USAGE', says: ['web[1-20000]', '20000 hosts'] },
  { name: 'host name not a DNS label', argv: ['host', 'add', 'Web_01'], status: 64, code: 'USAGE', says: ['"Web_01"', 'DNS label'] },
  { name: 'IP octet above 255', argv: ['host', 'add', 'web09', '--ip', '10.0.0.300'], status: 64, code: 'USAGE', says: ['10.0.0.300', 'above 255'] },
  { name: 'IP with three octets', argv: ['host', 'add', 'web09', '--ip', '10.0.0'], status: 64, code: 'USAGE', says: ['"10.0.0"', 'not an IPv4 address'] },
  { name: 'IP range past 255.255.255.255', argv: ['host', 'add', 'n[1-3]', '--ip', '255.255.255.254'], status: 64, code: 'USAGE', says: ['255.255.255.254', 'run past 255.255.255.255'] },
  { name: 'MAC with a non-hex octet', argv: ['host', 'add', 'web09', '--mac', '52:54:00:zz:00:01'], status: 64, code: 'USAGE', says: ['"52:54:00:zz:00:01" is not a MAC address'] },
  { name: 'MAC too short', argv: ['host', 'add', 'web09', '--mac', '52:54:00:00:01'], status: 64, code: 'USAGE', says: ['"52:54:00:00:01" is not a MAC address'] },
  { name: 'multicast MAC', argv: ['host', 'add', 'web09', '--mac', '01:00:5e:00:00:01'], status: 64, code: 'USAGE', says: ['01:00:5e:00:00:01', 'multicast'] },
  { name: 'MAC for a range', argv: ['host', 'add', 'web[10-11]', '--mac', '52:54:00:00:00:99'], status: 64, code: 'USAGE', says: ['web[10-11]', 'own MAC'] },
  { name: 'var without =', argv: ['host', 'add', 'web09', '--var', 'role'], status: 64, code: 'USAGE', says: ['--var "role"', 'NAME=VALUE'] },
  { name: 'bad image reference', argv: ['host', 'add', 'web09', '--image', 'web@'], status: 64, code: 'USAGE', says: ['"web@"', 'nothing after "@"'] },
  { name: 'bad group name', argv: ['group', 'add', 'Bad Name'], status: 64, code: 'USAGE', says: ['group name "Bad Name"'] },
  { name: 'duplicate host name', argv: ['host', 'add', 'db01', '--ip', '10.0.0.99'], status: 65, code: 'ALREADY_EXISTS', says: ['host "db01" is already defined by hosts.db01 (line 9)'] },
  { name: 'range overlapping a range key', argv: ['host', 'add', 'web[04-05]'], status: 65, code: 'ALREADY_EXISTS', says: ['host "web04" is already defined by hosts.web[02-04] (line 11)'] },
  { name: 'duplicate IP', argv: ['host', 'add', 'web09', '--ip', '10.0.0.11', '--group', 'web'], status: 65, code: 'INVENTORY_INVALID', says: ['hosts.web09.ip', '10.0.0.11', 'web01 at hosts.web01 (line 10)'] },
  { name: 'duplicate IP from a range key', argv: ['host', 'add', 'web[08-09]', '--ip', '10.0.0.13', '--group', 'web'], status: 65, code: 'INVENTORY_INVALID', says: ['hosts.web08.ip', '10.0.0.13', 'web03 at hosts.web[02-04] (line 11)'] },
  { name: 'duplicate MAC (other spelling)', argv: ['host', 'add', 'web09', '--mac', '5254.0000.0011', '--group', 'web'], status: 65, code: 'INVENTORY_INVALID', says: ['hosts.web09.mac', '52:54:00:00:00:11', 'web01 at hosts.web01 (line 10)'] },
  { name: 'unknown group', argv: ['host', 'add', 'web09', '--group', 'ghost'], status: 65, code: 'INVENTORY_INVALID', says: ['hosts.web09.groups[0]', 'group "ghost" is not defined'] },
  { name: 'unknown image', argv: ['host', 'add', 'web09', '--image', 'nope@3'], status: 65, code: 'INVENTORY_INVALID', says: ['hosts.web09.image', 'image "nope"'] },
  { name: 'unknown network for a group', argv: ['group', 'add', 'db', '--network', 'wan'], status: 65, code: 'INVENTORY_INVALID', says: ['groups.db.network', 'network "wan" is not defined'] },
  { name: 'address leaving the subnet', argv: ['host', 'add', 'web[20-22]', '--ip', '10.0.0.254', '--group', 'web'], status: 65, code: 'INVENTORY_INVALID', says: ['hosts.web21.ip', '10.0.0.255 is the broadcast address of 10.0.0.0/24'] },
  { name: 'existing group', argv: ['group', 'add', 'web', '--image', 'web'], status: 65, code: 'ALREADY_EXISTS', says: ['group "web" already exists at groups.web (line 7)'] },
  { name: 'rm of a group in use', argv: ['group', 'rm', 'web'], status: 65, code: 'IN_USE', says: ['group "web" is still used by 4 hosts: web01, web[02-04]'] },
  { name: 'rm of one host of a range key', argv: ['host', 'rm', 'web03'], status: 65, code: 'INVALID_DATA', says: ['host "web03" comes from the range hosts.web[02-04] (line 11)', "rootcast host rm 'web[02-04]'"] },
  { name: 'rm of a missing host', argv: ['host', 'rm', 'web[90-91]'], status: 66, code: 'NOT_FOUND', says: ['"web90", "web91"'] },
  { name: 'show of a missing host', argv: ['host', 'show', 'ghost01'], status: 66, code: 'NOT_FOUND', says: ['host "ghost01"'] },
  { name: 'check of a missing inventory', file: undefined, argv: ['inventory', 'check'], status: 66, code: 'NOT_FOUND', says: ['rootcast.yaml does not exist'] },
  {
    name: 'overlapping range keys in the file',
    file: `${inventory}  "web[04-06]": {groups: [web]}\n`,
    argv: ['host', 'add', 'web30', '--group', 'web'],
    status: 65,
    code: 'INVENTORY_INVALID',
    says: ['hosts.web[04-06] (line 12): host "web04" (from this range) is also defined by hosts.web[02-04] (line 11)'],
  },
  {
    name: 'invalid YAML syntax',
    file: inventory.replace('groups: [web]}\n  "web', 'groups: [web}\n  "web'),
    argv: ['group', 'add', 'db', '--image', 'web'],
    status: 65,
    code: 'INVENTORY_INVALID',
    says: ['line 10', 'YAML'],
  },
  {
    name: 'unknown key in the file',
    file: inventory.replace('db01: {mac:', 'db01: {grups: [web], mac:'),
    argv: ['host', 'list'],
    status: 65,
    code: 'INVENTORY_INVALID',
    says: ['hosts.db01.grups (line 9): unknown key "grups" (did you mean "groups"?)'],
  },
];

describe('bad input: a clear error, the right status, nothing written', () => {
  let home: string;
  let file: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'rootcast-inv-bad-'));
    file = join(home, 'rootcast.yaml');
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  const snapshot = (): Promise<Record<string, string>> => snapshotFileBytes(home);

  test.each(cases.map((badCase) => [badCase.name, badCase] as const))('%s', async (_name, badCase) => {
    const content = 'file' in badCase ? badCase.file : inventory;
    await mkdir(join(home, 'images'), { recursive: true });
    if (content !== undefined) await writeFile(file, content);
    const before = await snapshot();
    const { status, stdout, stderr } = await runInProcess(['--home', home, ...badCase.argv]);
    expect({ status, stdout }).toEqual({ status: badCase.status, stdout: '' });
    expect(stderr).toContain(`[${badCase.code}]`);
    for (const text of badCase.says) expect(stderr).toContain(text);
    expect(await snapshot()).toEqual(before);
    if (content === undefined) await expect(readFile(file)).rejects.toThrow(/ENOENT/);
  });

  test('there are at least 15 distinct bad-input cases', () => {
    expect(new Set(cases.map((badCase) => badCase.name)).size).toBeGreaterThanOrEqual(15);
  });

  test('--json errors carry the code, status and every inventory error as details; stdout has the report', async () => {
    await writeFile(file, `server: {url: "http://10.0.0.1:8780"}\n${inventory}  "web[04-06]": {groups: [web], colour: red}\n`);
    const { status, stdout, stderr } = await runInProcess(['--home', home, '--json', 'inventory', 'check']);
    expect(status).toBe(65);
    const { error } = JSON.parse(stderr) as { error: { code: string; exitStatus: number; details: string[] } };
    expect(error.code).toBe('INVENTORY_INVALID');
    expect(error.exitStatus).toBe(65);
    const unknownKey = 'hosts.web[04-06].colour (line 13): unknown key "colour" (known keys: mac, macs, ip, image, network, groups, vars, install, identity, description)';
    expect(error.details).toEqual([unknownKey]);
    expect(JSON.parse(stdout)).toEqual({
      ok: false,
      file,
      errors: [{ path: 'hosts.web[04-06].colour', line: 13, message: expect.stringContaining('unknown key "colour"'), text: unknownKey }],
      warnings: [],
    });
  });
});

import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runInProcess, type CliRun } from '../helpers/cli.js';

describe('rootcast host / group / inventory check', () => {
  let home: string;
  let file: string;
  const run = (...argv: string[]): Promise<CliRun> => runInProcess(['--home', home, ...argv]);
  const json = async <T>(...argv: string[]): Promise<T> => {
    const result = await run('--json', ...argv);
    expect(result.status, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as T;
  };

  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'rootcast-inv-'));
    file = join(home, 'rootcast.yaml');
    // An image present in the store counts as known without being declared under images:.
    await mkdir(join(home, 'images', 'web', '1'), { recursive: true });
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  test('creates the inventory, adds a group and a range of hosts, lists, shows and removes them', async () => {
    expect(await run('init', '--server-url', 'http://10.0.0.1:8780')).toMatchObject({ status: 0, stderr: '' });
    expect(await run('group', 'add', 'web', '--image', 'web', '--var', 'role=web')).toMatchObject({ status: 0, stdout: expect.stringContaining(`added group web to ${file}`) });
    const added = await run('host', 'add', 'web[01-03]', '--group', 'web', '--ip', '10.0.0.11', '--var', 'rack=a1');
    expect(added).toMatchObject({ status: 0, stderr: '' });
    expect(added.stdout).toContain(`added 3 hosts to ${file}`);
    expect(added.stdout).toContain('web03  10.0.0.13');

    const text = await readFile(file, 'utf8');
    expect(text.startsWith('# rootcast inventory')).toBe(true);
    expect(text).toContain('  web02:\n    ip: 10.0.0.12\n    groups: [web]\n    vars: {rack: a1}\n');

    const list = await run('host', 'list');
    expect(list.stdout.split('\n')[0]).toMatch(/^NAME\s+IP\s+MAC\s+IMAGE\s+GROUPS\s+DEPLOYED\s+LAST$/);
    // Nothing deployed yet: the record columns are dashes.
    expect(list.stdout).toMatch(/^web02\s+10\.0\.0\.12\s+-\s+web\s+web\s+-\s+-$/m);

    const hosts = await json<{ name: string; ip: string; image: { ref: string; from: unknown }; vars: Record<string, string> }[]>('host', 'list');
    expect(hosts.map((host) => [host.name, host.ip])).toEqual([['web01', '10.0.0.11'], ['web02', '10.0.0.12'], ['web03', '10.0.0.13']]);
    expect(hosts[1]?.image).toEqual({ ref: 'web', name: 'web', from: { kind: 'group', group: 'web' } });
    expect(hosts[1]?.vars).toEqual({ role: 'web', rack: 'a1' });

    const show = await run('host', 'show', 'web02');
    expect(show.stdout).toContain('image:      web (from group web)');
    expect(show.stdout).toContain('role=web (from group web)');
    expect(show.stdout).toContain('rack=a1 (from host)');

    expect(await run('host', 'rm', 'web[01-02]')).toMatchObject({ status: 0, stdout: `removed 2 hosts from ${file}: web01, web02\n` });
    expect((await json<{ name: string }[]>('host', 'list')).map((host) => host.name)).toEqual(['web03']);
    expect(await run('inventory', 'check')).toMatchObject({ status: 0, stdout: 'inventory ok: 1 host, 1 group, 1 image\n', stderr: '' });
  });

  test('show --json gives the effective network with fqdn, merged vars and the source line', async () => {
    await writeFile(file, [
      'networks:',
      '  lab: {subnet: 10.0.0.0/24, gateway: 10.0.0.1, dns: [10.0.0.1], domain: lab.example}',
      'groups:',
      '  web: {image: web@1, network: lab, vars: {role: web}}',
      'hosts:',
      '  web07: {mac: 52:54:00:AB:CD:EF, ip: 10.0.0.17, groups: [web], vars: {role: edge}}',
      '',
    ].join('\n'));
    const host = await json<Record<string, unknown>>('host', 'show', 'web07');
    expect(host).toEqual({
      name: 'web07',
      macs: ['52:54:00:ab:cd:ef'],
      ip: '10.0.0.17',
      network: { name: 'lab', subnet: '10.0.0.0/24', prefix: 24, netmask: '255.255.255.0', gateway: '10.0.0.1', dns: ['10.0.0.1'], domain: 'lab.example', line: 2, from: { kind: 'group', group: 'web' } },
      fqdn: 'web07.lab.example',
      image: { ref: 'web@1', name: 'web', from: { kind: 'group', group: 'web' } },
      groups: ['web'],
      vars: { role: 'edge' },
      varsFrom: { role: { kind: 'host' } },
      install: {},
      installFrom: {},
      identity: {},
      identityFrom: {},
      source: { key: 'web07', line: 6, fromRange: false },
      state: { record: { formatVersion: 1, host: 'web07', previous: [] }, installToken: null },
    });
  });

  test('an edit keeps comments, order and untouched entries; new hosts go at the end of hosts', async () => {
    const original = [
      '# Lab inventory, owned by the ops team.',
      'networks:',
      '  lab: {subnet: 10.0.0.0/24, gateway: 10.0.0.1} # the rack switch',
      '',
      'groups:',
      '  # front ends',
      '  web: {image: web, network: lab}',
      '',
      'hosts:',
      '  db01: {ip: 10.0.0.5, image: web} # keep this one',
      '  # the web tier',
      '  "web[01-02]": {ip: 10.0.0.11, groups: [web]}',
      '',
      '# trailing note',
      '',
    ].join('\n');
    await writeFile(file, original);
    // yaml re-serialises the document: comments, blank lines, order and styles survive; inline-comment spacing is normalised to one space.
    expect((await run('host', 'add', 'web09', '--group', 'web', '--ip', '10.0.0.19', '--mac', '52-54-00-00-00-09')).status).toBe(0);
    const edited = await readFile(file, 'utf8');
    for (const comment of ['# Lab inventory, owned by the ops team.', '# the rack switch', '# front ends', '# keep this one', '# the web tier', '# trailing note']) {
      expect(edited).toContain(comment);
    }
    expect(edited).toContain('  web09:\n    mac: "52:54:00:00:00:09"\n    ip: 10.0.0.19\n    groups: [web]\n');
    expect(edited.indexOf('web[01-02]')).toBeLessThan(edited.indexOf('web09'));
    expect(edited.replace(/ {2}web09:\n(?: {4}.*\n)+/, '')).toBe(original);

    expect((await run('host', 'rm', 'web09')).status).toBe(0);
    expect(await readFile(file, 'utf8')).toBe(original);
  });

  test('--dry-run prints the plan and writes nothing', async () => {
    await run('group', 'add', 'web', '--image', 'web');
    const before = await readFile(file, 'utf8');
    const dry = await run('host', 'add', 'web[01-02]', '--group', 'web', '--ip', '10.0.0.11', '--dry-run');
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain(`dry-run: would add 2 hosts to ${file}`);
    expect(dry.stdout).toMatch(/^web02\s+10\.0\.0\.12/m);
    const dryJson = await json<{ dryRun: boolean; added: { name: string; ip: string }[] }>('host', 'add', 'web[01-02]', '--group', 'web', '--ip', '10.0.0.11', '--dry-run');
    expect(dryJson.dryRun).toBe(true);
    expect(dryJson.added.map((host) => host.ip)).toEqual(['10.0.0.11', '10.0.0.12']);
    expect((await run('group', 'add', 'db', '--dry-run')).stdout).toContain('dry-run: would add group db');
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(await readdir(home)).toEqual(expect.arrayContaining(['rootcast.yaml', 'images']));
    expect((await readdir(home)).length).toBe(2);
  });

  test('a range key written by hand can be removed as a whole', async () => {
    await writeFile(file, 'images:\n  db: {}\nhosts:\n  "db[1-3]": {image: db}\n  web01: {image: web}\n');
    const removed = await run('host', 'rm', 'db[1-3]');
    expect(removed).toMatchObject({ status: 0, stdout: `removed 3 hosts from ${file}: db1, db2, db3\n` });
    expect(await readFile(file, 'utf8')).toBe('images:\n  db: {}\nhosts:\n  web01: {image: web}\n');
  });

  test('list filters by group and by image; several MACs are written as a list', async () => {
    await run('group', 'add', 'web', '--image', 'web@1');
    await run('group', 'add', 'gpu');
    await run('host', 'add', 'web01', '--group', 'web');
    await run('host', 'add', 'gpu01', '--group', 'gpu', '--group', 'web', '--mac', '52:54:00:00:00:01', '--mac', '5254.0000.0002');
    await run('host', 'add', 'bare01', '--image', 'web@2');
    expect((await json<{ name: string }[]>('host', 'list', '--group', 'gpu')).map((host) => host.name)).toEqual(['gpu01']);
    expect((await json<{ name: string }[]>('host', 'list', '--image', 'web')).map((host) => host.name)).toEqual(['web01', 'gpu01', 'bare01']);
    expect((await json<{ name: string }[]>('host', 'list', '--image', 'web@2')).map((host) => host.name)).toEqual(['bare01']);
    expect((await run('host', 'list', '--group', 'nope')).stdout).toBe(`no hosts match (inventory: ${file})\n`);
    expect(await readFile(file, 'utf8')).toContain('  gpu01:\n    macs: ["52:54:00:00:00:01", "52:54:00:00:00:02"]\n    groups: [gpu, web]\n');
    const gpu = await json<{ macs: string[]; groups: string[] }>('host', 'show', 'gpu01');
    expect(gpu.groups).toEqual(['gpu', 'web']);
  });

  test('a host without an image is added with a warning; check refuses it until it has one', async () => {
    const added = await run('host', 'add', 'lonely');
    expect(added.status).toBe(0);
    const noImage = 'lonely has no image, so no answer file can be made for it; give it one: rootcast host set lonely --image NAME (or put it in a group that has one: rootcast host set lonely --group G)';
    // A new file has no server URL yet: every answer file would fail, which the edit says without refusing.
    expect(added.stderr).toBe([
      `rootcast: warning: hosts.lonely: answer files will fail: ${noImage}`,
      'rootcast: warning: server: answer files will fail: not set; add  server: {url: "http://SERVER-ADDRESS:8780"}  (the address installing hosts reach rootcast serve at)',
      '',
    ].join('\n'));
    const refused = await run('inventory', 'check');
    expect(refused.status).toBe(65);
    expect(refused.stderr).toContain('\n  server: not set; add  server: {url:');
    await writeFile(file, `server: {url: "http://10.0.0.1:8780"}\n${await readFile(file, 'utf8')}`);
    const imageless = await run('inventory', 'check');
    expect(imageless.status).toBe(65);
    expect(imageless.stdout).toBe('');
    expect(imageless.stderr).toContain(`\n  hosts.lonely (line 5): ${noImage}\n`);
    const imagelessJson = await run('--json', 'inventory', 'check');
    expect(JSON.parse(imagelessJson.stdout)).toMatchObject({ ok: false, errors: [{ path: 'hosts.lonely', line: 5, message: noImage }], warnings: [] });
    expect(await run('host', 'set', 'lonely', '--image', 'web')).toMatchObject({ status: 0, stderr: '' });
    const check = await run('inventory', 'check');
    expect(check).toMatchObject({ status: 0, stdout: 'inventory ok: 1 host, 0 groups, 1 image\n', stderr: '' });
    expect(await json<{ ok: boolean; hosts: number; warnings: unknown[] }>('inventory', 'check')).toMatchObject({ ok: true, hosts: 1, groups: 0, images: 1, warnings: [] });
  });

  test('listing commands treat a missing inventory as empty', async () => {
    expect(await run('host', 'list')).toEqual({ status: 0, stdout: `no hosts (inventory: ${file})\n`, stderr: '' });
    expect(await json<unknown[]>('host', 'list')).toEqual([]);
    expect(await json<unknown[]>('group', 'list')).toEqual([]);
    await expect(readFile(file)).rejects.toThrow(/ENOENT/);
  });
  test('an edit keeps the inventory private: a 0600 file (it may hold rootPasswordHash) stays 0600', async () => {
    await writeFile(file, 'install:\n  rootPasswordHash: "$6$salt$hash"\n', { mode: 0o600 });
    await chmod(file, 0o600);
    expect(await run('group', 'add', 'web', '--image', 'web')).toMatchObject({ status: 0 });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await run('host', 'add', 'web01', '--group', 'web')).toMatchObject({ status: 0 });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });
});

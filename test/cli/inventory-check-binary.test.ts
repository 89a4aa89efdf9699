import { writeNetworkdFootprint } from '../helpers/network-footprint.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { HomePaths } from '../../src/home/paths.js';
import { makeTempHome, removeHome } from '../helpers/image-builder.js';
import { snapshotTree } from '../helpers/tree-snapshot.js';
import { runBinary } from '../helpers/cli.js';

const lines = (...rows: string[]): string => `${rows.join('\n')}\n`;

const good = lines(
  'server: {url: "http://10.0.0.1:8780"}',
  'install: {timezone: Europe/Berlin, sshAuthorizedKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE admin@example"]}',
  'networks:',
  '  lab: {subnet: 10.0.0.0/24, gateway: 10.0.0.1, dns: [10.0.0.2], domain: lab.example}',
  'images:',
  '  db: {install: {distro: debian12}}',
  'groups:',
  '  web: {image: web@1, network: lab, install: {distro: rocky9}}',
  'hosts:',
  '  web01: {mac: "52:54:00:00:00:01", ip: 10.0.0.11, groups: [web]}',
  '  "web[02-40]": {ip: 10.0.0.12, groups: [web], identity: {interface: eno1}}',
  '  db01: {image: db, ip: 10.0.0.60, network: lab, identity: {interface: eno1}}',
);

// Every kind of problem a later command would reject, each in one place, in one file.
const bad = lines(
  'install:', //                                                                  1
  '  keyboard: "U S"', //                                                         2: the install default every host inherits
  'networks:', //                                                                 3
  '  lab: {subnet: 10.0.0.0/24, dns: [10.0.0.2]}', //                              4: static hosts need a gateway
  'groups:', //                                                                   5
  '  web: {image: web@7, network: lab, vars: {motd: "two\\nlines"}}', //          6: no version 7; a newline
  '  edge: {install: {partitioning: {mode: layout, disks: [sda], partitions: [{size: 1GiB, fs: xfs, mount: /data}]}}}', // 7: no "/"
  'hosts:', //                                                                    8
  '  "web[01-30]": {ip: 10.0.0.11, groups: [web]}', //                            9
  '  db01: {image: web@stable, install: {distro: debian12, repos: {extra: [{name: x, baseurl: "http://x.example/"}]}}}', // 10
  '  edge01: {image: web, groups: [edge], install: {distro: rhel99}}', //         11
  '  db01: {image: web@stable, groups: [edge], install: {distro: debian12, repos: {extra: [{name: x, baseurl: "http://x.example/"}]}}}', // 12
);

describe('rootcast inventory check (the built binary)', () => {
  let paths: HomePaths;
  beforeEach(async () => {
    paths = await makeTempHome('rootcast-check-');
    // web@1 exists in the store, web@7 and web@stable do not; db is declared but not captured yet.
    await mkdir(join(paths.imagesDir, 'web', '1', 'root'), { recursive: true });
    await writeNetworkdFootprint(join(paths.imagesDir, 'web', '1', 'root'));
  });
  afterEach(async () => {
    await removeHome(paths);
  });

  test('a good inventory: every answer file renders, exit 0, nothing written', async () => {
    await writeFile(paths.inventoryFile, good);
    const before = snapshotTree(paths.home);
    const result = await runBinary(['--home', paths.home, 'inventory', 'check']);
    expect(result).toEqual({ status: 0, stdout: 'inventory ok: 41 hosts, 1 group, 2 images\n', stderr: '' });
    const json = await runBinary(['--home', paths.home, '--json', 'inventory', 'check']);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, hosts: 41, groups: 1, images: 2, networks: 1, warnings: [] });
    expect(snapshotTree(paths.home)).toEqual(before);
  });

  test('every problem at once, each once at the place it comes from, with its line; exit 65; nothing written', async () => {
    await writeFile(paths.inventoryFile, bad);
    const before = snapshotTree(paths.home);
    const result = await runBinary(['--home', paths.home, 'inventory', 'check']);
    expect(result.status).toBe(65);
    expect(result.stdout).toBe('');
    const details = result.stderr.split('\n').filter((line) => line.startsWith('  ') && !line.startsWith('  hint:')).map((line) => line.slice(2));
    expect(details).toEqual([
      'server: not set; add  server: {url: "http://SERVER-ADDRESS:8780"}  (the address installing hosts reach rootcast serve at)',
      'install.keyboard (line 2): "U S" is not a keymap name like us or de (affects the answer files of web01, web02, web03 and 28 more)',
      'networks.lab.gateway (line 4): a static network needs a gateway (affects the answer files of web01, web02, web03 and 27 more)',
      'groups.web.vars.motd (line 6): contains a control character (line feed, U+000A); values are written on one line into answer files and configs, so keep them to one line of printable text',
      'groups.web.image (line 6): web@7 does not exist (versions of web: 1)',
      'groups.edge.install.partitioning (line 7): the layout has no / file system (affects the answer file of db01)',
      'hosts.web[01-30] (line 9): identity: network card 1 (any Ethernet card): a static address needs to know which card: give the host a MAC or set identity.interface',
      "hosts.web[01-30] (line 9): identity: network card 1 (any Ethernet card): static addressing needs a gateway (set one on the host's network)",
      'hosts.edge01.install.distro (line 11): unknown distro "rhel99" (known: alma10, alma8, alma9, debian12, debian13, fedora42, fedora43, rhel10, rhel8, rhel9, rocky10, rocky8, rocky9)',
      'hosts.db01 (line 12): duplicate key "db01" (also at line 10): YAML keys must be unique; only this later one would count, so merge or rename the two',
      'hosts.db01.image (line 12): image "web" has no tag "stable" (tags of web: none)',
      'hosts.db01.install.repos.extra (line 12): extra repositories are supported for kickstart distros only',
    ]);
    expect(result.stderr).toContain('rootcast: error [INVENTORY_INVALID]: the inventory');
    expect(result.stderr).toContain('has 12 errors');

    const json = await runBinary(['--home', paths.home, '--json', 'inventory', 'check']);
    expect(json.status).toBe(65);
    const report = JSON.parse(json.stdout) as { ok: boolean; errors: { path: string; line?: number; text: string }[] };
    expect(report.ok).toBe(false);
    expect(report.errors.map((issue) => [issue.path, issue.line])).toEqual([
      ['server', undefined],
      ['install.keyboard', 2],
      ['networks.lab.gateway', 4],
      ['groups.web.vars.motd', 6],
      ['groups.web.image', 6],
      ['groups.edge.install.partitioning', 7],
      ['hosts.web[01-30]', 9],
      ['hosts.web[01-30]', 9],
      ['hosts.edge01.install.distro', 11],
      ['hosts.db01', 12],
      ['hosts.db01.image', 12],
      ['hosts.db01.install.repos.extra', 12],
    ]);
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'INVENTORY_INVALID', exitStatus: 65 } });
    expect(snapshotTree(paths.home)).toEqual(before);
  });

  test('a problem that only one installer has is a warning when the host has no distro', async () => {
    await writeFile(paths.inventoryFile, lines('server: {url: "http://10.0.0.1:8780"}', 'hosts:', '  n01: {image: web, install: {repos: {extra: [{name: x, baseurl: "http://x.example/"}]}}}'));
    const result = await runBinary(['--home', paths.home, 'inventory', 'check']);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('inventory ok: 1 host, 0 groups, 1 image (1 warning)\n');
    expect(result.stderr).toBe(
      'rootcast: warning: hosts.n01.install.repos.extra (line 3): extra repositories are supported for kickstart distros only (rootcast preseed would fail with its default distro debian12; set install.distro to say which installer this host uses)\n',
    );
  });

  test('hosts without an image are errors naming them (runs as ranges) and the command that gives them one; kickstart agrees', async () => {
    await writeFile(paths.inventoryFile, lines(
      'server: {url: "http://10.0.0.1:8780"}', //                   1
      'groups:', //                                                  2
      '  web: {install: {distro: rocky9}}', //                       3: no image for its hosts
      '  db: {image: web}', //                                       4
      'hosts:', //                                                   5
      '  "web[01-12]": {groups: [web]}', //                          6
      '  web14: {groups: [web]}', //                                 7
      '  db01: {groups: [db]}', //                                   8: gets web from its group
      '  spare: {}', //                                              9
    ));
    const before = snapshotTree(paths.home);
    const result = await runBinary(['--home', paths.home, 'inventory', 'check']);
    expect(result.status).toBe(65);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n').slice(1, 3)).toEqual([
      '  groups.web (line 3): web[01-12], web14 have no image, and neither has their group web, so no answer file can be made for them; give the group one: rootcast group set web --image NAME (or per host: rootcast host set HOST --image NAME)',
      '  hosts.spare (line 9): spare has no image, so no answer file can be made for it; give it one: rootcast host set spare --image NAME (or put it in a group that has one: rootcast host set spare --group G)',
    ]);
    expect(result.stderr).not.toContain('db01');
    const json = await runBinary(['--home', paths.home, '--json', 'inventory', 'check']);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, errors: [{ path: 'groups.web', line: 3 }, { path: 'hosts.spare', line: 9 }], warnings: [] });
    // The verbs that make answer files refuse the same hosts with the same words.
    const kickstart = await runBinary(['--home', paths.home, 'kickstart', 'web03']);
    expect(kickstart.status).toBe(65);
    expect(kickstart.stderr).toContain('rootcast: error [INVALID_DATA]: no image is set for web03\n  web03 has no image, and neither has its group web');
    expect((await runBinary(['--home', paths.home, 'preseed', 'spare'])).status).toBe(65);
    expect(snapshotTree(paths.home)).toEqual(before);
    // Giving the group an image is the whole fix.
    expect((await runBinary(['--home', paths.home, 'group', 'set', 'web', '--image', 'web'])).status).toBe(0);
    expect((await runBinary(['--home', paths.home, 'host', 'set', 'spare', '--image', 'web@1'])).status).toBe(0);
    expect(await runBinary(['--home', paths.home, 'inventory', 'check'])).toMatchObject({ status: 0, stdout: 'inventory ok: 15 hosts, 2 groups, 1 image\n' });
  });

  test('a time zone must be an IANA name: inventory check and the answer-file verbs refuse Mars/Olympus, naming the field', async () => {
    const withZone = (zone: string): string => good.replace('timezone: Europe/Berlin', `timezone: ${zone}`);
    for (const zone of ['Etc/UTC', 'UTC', 'Europe/Berlin', 'America/New_York']) {
      await writeFile(paths.inventoryFile, withZone(zone));
      expect(await runBinary(['--home', paths.home, 'inventory', 'check']), zone).toMatchObject({ status: 0, stderr: '' });
    }
    await writeFile(paths.inventoryFile, withZone('Mars/Olympus').replace('groups: [web]}\n', 'groups: [web], install: {timezone: europe/berlin}}\n'));
    const before = snapshotTree(paths.home);
    const check = await runBinary(['--home', paths.home, 'inventory', 'check']);
    expect(check.status).toBe(65);
    expect(check.stderr).toContain('\n  install.timezone (line 2): "Mars/Olympus" is not an IANA time zone name like Europe/Berlin or Etc/UTC (affects the answer files of web02, web03, web04 and 37 more)\n');
    expect(check.stderr).toContain('\n  hosts.web01.install.timezone (line 10): "europe/berlin" is not an IANA time zone name like Europe/Berlin or Etc/UTC; did you mean Europe/Berlin?\n');
    const kickstart = await runBinary(['--home', paths.home, 'kickstart', 'web02']);
    expect(kickstart.status).toBe(65);
    expect(kickstart.stderr).toContain('\n  web02: install.timezone: "Mars/Olympus" is not an IANA time zone name');
    const own = await runBinary(['--home', paths.home, 'kickstart', 'web01']);
    expect(own.status).toBe(65);
    expect(own.stderr).toContain('\n  web01: install.timezone: "europe/berlin" is not an IANA time zone name like Europe/Berlin or Etc/UTC; did you mean Europe/Berlin?\n');
    expect(snapshotTree(paths.home)).toEqual(before);
  });

  test('a newline in a --var value is refused (64) and nothing is written', async () => {
    await writeFile(paths.inventoryFile, good);
    const before = snapshotTree(paths.home);
    const result = await runBinary(['--home', paths.home, 'host', 'add', 'web99', '--group', 'web', '--var', 'a=x\ny']);
    expect(result.status).toBe(64);
    expect(result.stderr).toContain('rootcast: error [USAGE]: --var a "x\\ny" contains a control character (line feed, U+000A)');
    const description = await runBinary(['--home', paths.home, 'group', 'add', 'db', '--description', 'bell\u0007']);
    expect(description.status).toBe(64);
    expect(description.stderr).toContain('--description "bell\\u0007" contains a control character (U+0007)');
    expect(snapshotTree(paths.home)).toEqual(before);
  });
});

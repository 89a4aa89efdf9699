import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { checkKickstart } from '../../src/answer/kickstart-check/check-kickstart.js';
import type { HomePaths } from '../../src/home/paths.js';
import { readCurrentGeneration } from '../../src/credentials/install-generation-store.js';
import { loadServerSecret } from '../../src/credentials/server-secret.js';
import { deriveToken, unissuedInstallToken } from '../../src/credentials/token.js';
import { addVersion, makeTempHome, recordDeployment, removeHome } from '../helpers/image-builder.js';
import { snapshotTree } from '../helpers/tree-snapshot.js';
import { runInHome } from '../helpers/cli.js';

const lines = (...rows: string[]): string => `${rows.join('\n')}\n`;

const inventory = lines(
  'server: {url: "http://10.0.0.1:8780"}',
  'install: {distro: rocky9, timezone: Europe/Berlin}',
  'networks:',
  '  lab: {subnet: 10.0.0.0/24, gateway: 10.0.0.1, dns: [10.0.0.2], domain: lab.example}',
  'groups:',
  '  web: {image: web, network: lab}',
  'hosts:',
  '  web07: {mac: "52:54:00:12:34:56", ip: 10.0.0.17, groups: [web]}',
  '  web08: {groups: [web], install: {distro: debian12}}',
  '  lonely: {ip: 10.0.0.30}',
);

// The answer-file verbs driven by the real inventory, image store and install secret.
describe('kickstart / preseed from the inventory', () => {
  let paths: HomePaths;
  let source: string;
  beforeEach(async () => {
    paths = await makeTempHome('rootcast-answer-');
    source = await mkdtemp(join(tmpdir(), 'rootcast-answer-src-'));
    await mkdir(join(source, 'etc'));
    await writeFile(join(source, 'etc/motd'), 'hi\n');
    await addVersion(paths, 'web', source);
    await addVersion(paths, 'web', source);
    await writeFile(paths.inventoryFile, inventory);
    // Created on first use; made here so refusals can be checked against an unchanged home.
    await loadServerSecret(paths);
  });
  afterEach(async () => {
    await removeHome(paths);
    await rm(source, { recursive: true, force: true });
  });

  test('a static host gets its address, the latest version, the install token and a checker-clean kickstart', async () => {
    const run = await runInHome(paths, ['kickstart', 'web07']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const token = deriveToken(await loadServerSecret(paths), 'install', 'web07', 1);
    expect(run.stdout).toContain(`ROOTCAST_TOKEN=${token} sh /tmp/rootcast-bootstrap.sh`);
    expect(await readCurrentGeneration(paths, 'web07')).toMatchObject({ generation: 1, kind: 'token', issuedBy: 'rootcast kickstart' });
    const network = run.stdout.split('\n').find((line) => line.startsWith('network ')) ?? '';
    for (const option of ['--device=52:54:00:12:34:56', '--bootproto=static', '--ip=10.0.0.17', '--netmask=255.255.255.0', '--gateway=10.0.0.1', '--nameserver=10.0.0.2', '--hostname=web07.lab.example']) {
      expect(network.split(' ')).toContain(option);
    }
    expect(run.stdout).toContain('web@2');
    expect(run.stdout).toContain('timezone Europe/Berlin');
    expect(run.stdout).toContain('http://10.0.0.1:8780/boot/bootstrap.sh');
    expect(checkKickstart(run.stdout, 'rhel9')).toEqual([]);
  });

  test('each run issues the next install token; --dry-run shows a placeholder and issues nothing', async () => {
    expect((await runInHome(paths, ['kickstart', 'web07'])).status).toBe(0);
    const second = await runInHome(paths, ['kickstart', 'web07']);
    expect(second.stdout).toContain(`ROOTCAST_TOKEN=${deriveToken(await loadServerSecret(paths), 'install', 'web07', 2)} `);
    const before = snapshotTree(paths.home);
    const dry = await runInHome(paths, ['kickstart', 'web07', '--dry-run']);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain(`ROOTCAST_TOKEN=${unissuedInstallToken} `);
    expect(snapshotTree(paths.home)).toEqual(before);
  });

  test('the host-level distro wins: web08 gets a preseed, and refuses a kickstart', async () => {
    const preseed = await runInHome(paths, ['preseed', 'web08']);
    expect(preseed.status).toBe(0);
    expect(preseed.stdout).toContain('rootcast: preseed read for web08');
    const kickstart = await runInHome(paths, ['kickstart', 'web08']);
    expect(kickstart.status).toBe(65);
    expect(kickstart.stderr).toContain('web08: install.distro: debian12 is installed by debian-installer; use rootcast preseed');
  });

  const expectRefused = async (args: string[], status: number, message: RegExp, prepare?: (p: HomePaths) => Promise<void>): Promise<void> => {
    await prepare?.(paths);
    const before = snapshotTree(paths.home);
    const run = await runInHome(paths, args);
    expect(run.status).toBe(status);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
    expect(snapshotTree(paths.home)).toEqual(before);
  };

  test('an image captured from Debian refuses a RHEL installer (65, nothing written) and gets a preseed', async () => {
    const debian = async (p: HomePaths): Promise<void> => {
      await addVersion(p, 'deb', source, { distro: { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)', idLike: [] } });
      await writeFile(p.inventoryFile, `${inventory}  deb01: {image: deb, ip: 10.0.0.40, groups: []}\n`);
    };
    await expectRefused(['kickstart', 'deb01'], 65, /deb01: image deb@1 was captured from Debian GNU\/Linux 12 \(bookworm\) \(the debian family\), and rocky9 installs the rhel family, whose boot commands do not fit it; use rootcast preseed/, debian);
    const preseed = await runInHome(paths, ['preseed', 'deb01', '--distro', 'debian12']);
    expect(preseed.stderr).toBe('');
    expect(preseed.status).toBe(0);
    // An image of the installer's own family (or one whose manifest does not say) renders as before.
    expect((await runInHome(paths, ['kickstart', 'web07'])).status).toBe(0);
  });

  test('an unknown host: 66', () => expectRefused(['kickstart', 'web99'], 66, /host "web99" is not in the inventory/));
  test('a group with no hosts: 66', () => expectRefused(['kickstart', '--group', 'db', '--out', paths.home], 66, /no host of the inventory .* is in group "db"/));
  test('a host without an image: 65 naming it', () => expectRefused(['kickstart', 'lonely'], 65, /no image is set for lonely\n  lonely has no image, so no answer file can be made for it; give it one: rootcast host set lonely --image NAME .*\n  hint: set "image"/));
  test('no server URL in the inventory: 65 saying what to add', () =>
    expectRefused(['kickstart', 'web07'], 65, /does not say where rootcast serve is\n.*server: \{url:/, async (p) => {
      await writeFile(p.inventoryFile, inventory.replace(/^server:.*\n/, ''));
    }));
  test('an image tag that does not exist: 66', () =>
    expectRefused(['kickstart', 'web07'], 66, /image "web" has no tag "stable"/, async (p) => {
      await writeFile(p.inventoryFile, inventory.replace('image: web,', 'image: web@stable,'));
    }));
  test('a malformed partitioning layout: 65 with its path and line, not a crash', () =>
    expectRefused(['kickstart', 'web07'], 65, /install\.partitioning\.partitions \(line 2\): expected a list/, async (p) => {
      await writeFile(p.inventoryFile, inventory.replace('timezone: Europe/Berlin}', 'timezone: Europe/Berlin, partitioning: {mode: layout, disks: vda, partitions: 7}}'));
    }));

  test('host reinstall voids every answer file issued so far; host show tells the token and the deployment', async () => {
    expect((await runInHome(paths, ['kickstart', 'web07'])).status).toBe(0);
    const shown = await runInHome(paths, ['host', 'show', 'web07']);
    expect(shown.stdout).toMatch(/token: +install token generation 1, usable until \S+ \(issued \S+ by rootcast kickstart\)/);
    expect(shown.stdout).toMatch(/deployed: +- \(no install has reported done\)/);
    const reinstall = await runInHome(paths, ['host', 'reinstall', 'web07']);
    expect(reinstall).toMatchObject({ status: 0, stdout: expect.stringContaining("revoked web07's install tokens up to generation 1") });
    expect(await readCurrentGeneration(paths, 'web07')).toMatchObject({ generation: 2, kind: 'revocation' });
    expect((await runInHome(paths, ['host', 'show', 'web07'])).stdout).toMatch(/token: +install token generation 2, revoked/);
    await recordDeployment(paths, 'web07', 'web', 2);
    const json = JSON.parse((await runInHome(paths, ['--json', 'host', 'show', 'web07'])).stdout) as { state: { record: { deployed: { ref: string } } } };
    expect(json.state.record.deployed.ref).toBe('web@2');
    expect((await runInHome(paths, ['host', 'show', 'web07'])).stdout).toMatch(/deployed: +web@2 \(install, /);
  });

  test('host reinstall of an unknown host: 66, nothing written', () => expectRefused(['host', 'reinstall', 'web99'], 66, /host "web99" is not in the inventory/));
});

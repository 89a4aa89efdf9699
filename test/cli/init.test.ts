import { readdir, readFile, writeFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { HomePaths } from '../../src/home/paths.js';
import { makeTempHome, removeHome } from '../helpers/image-builder.js';
import { snapshotTree } from '../helpers/tree-snapshot.js';
import { createTestNetwork, type TestNetwork } from '../helpers/netns.js';
import { rootcastBinary, runBinary } from '../helpers/cli.js';

describe('rootcast init (the built binary)', () => {
  let paths: HomePaths;
  beforeEach(async () => {
    paths = await makeTempHome('rootcast-init-');
  });
  afterEach(async () => {
    await removeHome(paths);
  });

  test('writes a commented starter inventory that passes inventory check, also once hosts are added', async () => {
    const result = await runBinary(['--home', paths.home, 'init', '--server-url', 'http://10.0.0.1:8780']);
    expect(result).toEqual({ status: 0, stdout: `wrote a starter inventory to ${paths.inventoryFile} (server http://10.0.0.1:8780); edit it, then run "rootcast inventory check"\n`, stderr: '' });
    const text = await readFile(paths.inventoryFile, 'utf8');
    expect(text).toContain('server: {url: "http://10.0.0.1:8780"}\n');
    expect(text).toContain('install: {timezone: Etc/UTC, keyboard: us, lang: en_US.UTF-8}\n');
    for (const example of ['#   lab: {subnet:', '#   web: {description:', '#   web: {image: web', '#   "web[01-03]": {ip: 10.0.0.11']) expect(text).toContain(example);
    expect(await runBinary(['--home', paths.home, 'inventory', 'check'])).toMatchObject({ status: 0, stdout: 'inventory ok: 0 hosts, 0 groups, 0 images\n' });
    await writeFile(paths.inventoryFile, text.replace('images: {}', 'images:\n  web: {}'));
    expect((await runBinary(['--home', paths.home, 'host', 'add', 'web[01-03]', '--image', 'web'])).stderr).toBe('');
    expect(await runBinary(['--home', paths.home, 'inventory', 'check'])).toMatchObject({ status: 0, stdout: 'inventory ok: 3 hosts, 0 groups, 1 image\n' });
  });

  test('refuses to overwrite an existing inventory (65) and writes nothing', async () => {
    await writeFile(paths.inventoryFile, 'hosts: {}\n');
    const before = snapshotTree(paths.home);
    const result = await runBinary(['--home', paths.home, 'init', '--server-url', 'http://10.0.0.1:8780']);
    expect(result.status).toBe(65);
    expect(result.stderr).toContain(`rootcast: error [ALREADY_EXISTS]: the inventory ${paths.inventoryFile} already exists`);
    expect(snapshotTree(paths.home)).toEqual(before);
  });

  test('--dry-run prints the file and writes nothing; --json says the same as data', async () => {
    const before = snapshotTree(paths.home);
    const dry = await runBinary(['--home', paths.home, 'init', '--server-url', 'https://deploy.example:443', '--dry-run']);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toMatch(/^dry-run: would write a starter inventory to .* \(server https:\/\/deploy\.example:443\)/);
    expect(dry.stdout).toContain('server: {url: "https://deploy.example:443"}');
    const json = await runBinary(['--home', paths.home, '--json', 'init', '--server-url', 'https://deploy.example:443', '--dry-run']);
    expect(JSON.parse(json.stdout)).toMatchObject({ dryRun: true, file: paths.inventoryFile, serverUrl: 'https://deploy.example:443', guessedFrom: null });
    expect(snapshotTree(paths.home)).toEqual(before);
    expect(await readdir(paths.home)).toEqual([]);
  });

  test.each([
    ['ftp://10.0.0.1', 'must be a base URL such as http://10.0.0.1:8780'],
    ['http://[::1]:8780', '"http://[::1]:8780" is not an http:// or https:// URL'],
    ['http://10.0.0.1:8780/boot', 'must be a base URL'],
  ])('refuses --server-url %s (64) and writes nothing', async (url, says) => {
    const result = await runBinary(['--home', paths.home, 'init', '--server-url', url]);
    expect(result.status).toBe(64);
    expect(result.stderr).toContain(`[USAGE]: --server-url ${JSON.stringify(url)} is not a URL installing hosts can use`);
    expect(result.stderr).toContain(says);
    expect(await readdir(paths.home)).toEqual([]);
  });
});

/** The guess reads the route table of the namespace it runs in: one with a default route, one without. */
describe('rootcast init guesses the server URL from the default route', () => {
  let net: TestNetwork;
  let paths: HomePaths;
  beforeAll(async () => {
    net = await createTestNetwork(2, `ri${process.pid}`);
    // Namespace 0 routes everything through namespace 1's address; namespace 1 has no default route.
    await net.run(net.namespaces[0] as string, 'ip', ['route', 'add', 'default', 'via', net.addresses[1] as string]);
  });
  afterAll(async () => {
    await net.destroy();
  });
  beforeEach(async () => {
    paths = await makeTempHome('rootcast-init-ns-');
  });
  afterEach(async () => {
    await removeHome(paths);
  });

  test("the address of the default route's interface, port 8780, said on stderr", async () => {
    const [namespace] = net.namespaces as [string];
    const address = net.addresses[0] as string;
    const result = await net.run(namespace, process.execPath, [rootcastBinary, '--home', paths.home, 'init']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe(`rootcast: guessed server URL http://${address}:8780 from the default route's interface eth0; pass --server-url to change it\n`);
    const text = await readFile(paths.inventoryFile, 'utf8');
    expect(text).toContain(`# Where installing hosts reach "rootcast serve" (guessed from the default route's interface eth0).\nserver: {url: "http://${address}:8780"}\n`);
  });

  test('without a default route it asks for --server-url (64) and writes nothing', async () => {
    const result = await net.run(net.namespaces[1] as string, process.execPath, [rootcastBinary, '--home', paths.home, 'init']);
    expect(result.exitCode).toBe(64);
    expect(result.stderr).toContain('rootcast: error [USAGE]: cannot guess the server URL: this machine has no IPv4 default route');
    expect(result.stderr).toContain('pass --server-url http://ADDRESS:8780');
    expect(await readdir(paths.home)).toEqual([]);
  });
});

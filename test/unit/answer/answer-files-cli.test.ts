import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { AnswerFileInput } from '../../../src/answer/answer-file-input.js';
import { loadDistroProfiles } from '../../../src/answer/load-distro-profiles.js';
import { runInProcess } from '../../helpers/cli.js';
import { snapshotFileBytes } from '../../helpers/tree-snapshot.js';
import type { AnswerFileSeed, AnswerInputLoader } from '../../../src/cli/commands/answer-files.js';
import { RootcastError } from '../../../src/errors/rootcast-error.js';
import { baseInput, plainLayout, withLayout, withStatic } from '../../golden/answer-fixtures.js';

const goldenDir = join(import.meta.dirname, '../../golden/answer-files');

const hosts: Record<string, AnswerFileInput> = {
  web07: baseInput('rhel9'),
  web08: { ...withStatic(baseInput('rhel9')), host: { name: 'web08', domain: 'example.com', macs: ['52:54:00:12:34:57'] } },
  deb01: { ...baseInput('debian12'), host: { name: 'deb01', domain: 'example.com' } },
  badlayout: withLayout({ ...baseInput('rhel9'), host: { name: 'badlayout' } }, { ...plainLayout, partitions: [{ size: 100, fs: 'xfs', mount: '/srv' }] }),
};
const groups: Record<string, string[]> = { web: ['web07', 'web08'], mixed: ['web07', 'badlayout'] };

// The fixtures carry their own tokens (the golden files show them); issuance is tested against the real inventory.
const selectInputs = (selector: Parameters<AnswerInputLoader>[1]): AnswerFileInput[] => {
  if (selector.kind === 'host') {
    const input = hosts[selector.name];
    if (input === undefined) throw new RootcastError('NOT_FOUND', `host ${selector.name} is not in the inventory`);
    return [input];
  }
  const members = groups[selector.name];
  if (members === undefined) throw new RootcastError('NOT_FOUND', `group ${selector.name} is not in the inventory`);
  return members.map((name) => hosts[name] as AnswerFileInput);
};
const loader: AnswerInputLoader = async (_ctx, selector) => {
  const inputs = selectInputs(selector);
  return { inputs: async () => inputs, installTokenLifetimeMs: 3_600_000 };
};

const snapshot = snapshotFileBytes;

let home: string;
let out: string;
let stdout: string;
let stderr: string;
const run = async (argv: string[], extra: Partial<AnswerFileSeed> = {}): Promise<number> => {
  const result = await runInProcess(['--home', home, ...argv], { loadAnswerInputs: loader, ...extra });
  ({ stdout, stderr } = result);
  return result.status;
};

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'rootcast-answer-home-'));
  out = await mkdtemp(join(tmpdir(), 'rootcast-answer-out-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
  await rm(out, { recursive: true, force: true });
});

describe('rootcast kickstart / preseed', () => {
  test('prints the host kickstart, identical to the golden file', async () => {
    expect(await run(['kickstart', 'web07'])).toBe(0);
    expect(stdout).toBe(await readFile(join(goldenDir, 'rhel9-dhcp-auto.ks'), 'utf8'));
    expect(stderr).toBe('');
  });

  test('--distro overrides the host distro', async () => {
    expect(await run(['kickstart', 'web07', '--distro', 'rocky9'])).toBe(0);
    expect(stdout).toContain('url --url=https://dl.rockylinux.org/pub/rocky/9/BaseOS/x86_64/os/');
  });

  test('preseed --out F writes the file atomically, readable by root only', async () => {
    const target = join(out, 'deb01.cfg');
    expect(await run(['preseed', 'deb01', '--out', target])).toBe(0);
    // deb01 differs from the golden web07 host only by name (d-i does not use the MAC).
    const golden = await readFile(join(goldenDir, 'debian12-dhcp-auto.preseed.cfg'), 'utf8');
    expect(await readFile(target, 'utf8')).toBe(golden.replaceAll('web07', 'deb01'));
    expect((await stat(target)).mode & 0o777).toBe(0o600);
    expect(stdout).toMatch(/^wrote .*deb01\.cfg \(deb01, debian12, \d+ bytes\)\n$/);
    expect(await readdir(out)).toEqual(['deb01.cfg']);
  });

  test('--group with --out DIR writes one file per host', async () => {
    expect(await run(['kickstart', '--group', 'web', '--out', out])).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['web07.ks', 'web08.ks']);
    expect(await readFile(join(out, 'web08.ks'), 'utf8')).toContain('--bootproto=static --ip=10.0.0.17');
  });

  test('--dry-run prints the plan and writes nothing', async () => {
    expect(await run(['kickstart', '--group', 'web', '--out', out, '--dry-run'])).toBe(0);
    expect(stdout).toContain(`dry-run: would write ${join(out, 'web07.ks')} (web07, rhel9,`);
    expect(await readdir(out)).toEqual([]);
  });

  test('--json prints the rendered files as data', async () => {
    expect(await run(['--json', 'preseed', 'deb01'])).toBe(0);
    const parsed = JSON.parse(stdout) as { host: string; distro: string; content: string }[];
    expect(parsed.map((file) => [file.host, file.distro])).toEqual([['deb01', 'debian12']]);
    expect(parsed[0]?.content).toContain('rootcast: preseed read for deb01');
  });
});

describe('bad input: clear error, right status, nothing written', () => {
  const expectNothingWritten = async (argv: string[], status: number, message: RegExp): Promise<void> => {
    const before = await snapshot(out);
    const homeBefore = await snapshot(home);
    expect(await run(argv)).toBe(status);
    expect(stderr).toMatch(message);
    expect(await snapshot(out)).toEqual(before);
    expect(await snapshot(home)).toEqual(homeBefore);
  };

  test('unknown host: 66', () => expectNothingWritten(['kickstart', 'nope', '--out', join(out, 'x.ks')], 66, /host nope is not in the inventory/));
  test('unknown distro: 64', () => expectNothingWritten(['kickstart', 'web07', '--distro', 'rhel7', '--out', join(out, 'x.ks')], 64, /--distro "rhel7" is not a distro of rootcast kickstart; use one of: alma10, alma8.*\n  hint: usage: rootcast kickstart \[options\] \[host\]/));
  test('a distro of the other installer: 64', () => expectNothingWritten(['kickstart', 'web07', '--distro', 'debian12'], 64, /--distro debian12: debian12 is installed by debian-installer, not Anaconda\n  use rootcast preseed --distro debian12.*\n  hint: usage: rootcast kickstart/));
  test('a bad layout: 65 with every problem, and no file of the group is written', () =>
    expectNothingWritten(['kickstart', '--group', 'mixed', '--out', out], 65, /cannot generate kickstart for badlayout: 1 problem\(s\)\n  badlayout: install\.partitioning: the layout has no \/ file system/));
  test('--out into a missing directory: 64, names the directory', () =>
    expectNothingWritten(['kickstart', 'web07', '--out', join(out, 'missing', 'web07.ks')], 64, /cannot write .*missing\/web07\.ks: directory .*missing does not exist\n  create it/));
  test('--group --out into a missing directory: 64', () => expectNothingWritten(['kickstart', '--group', 'web', '--out', join(out, 'nodir')], 64, /output directory .*nodir does not exist/));
  test('--group without --out: 64', () => expectNothingWritten(['kickstart', '--group', 'web'], 64, /--group writes one file per host: give --out DIR/));
  test('neither HOST nor --group: 64', () => expectNothingWritten(['preseed'], 64, /needs a HOST or --group G/));
});

describe('--help names the --distro values from kickstart/*.yaml', () => {
  test.each([
    ['kickstart', 'rhel', 'debian12'],
    ['preseed', 'debian', 'rocky9'],
  ] as const)('%s --help lists every %s-family profile and no other', async (verb, family, foreign) => {
    const catalog = await loadDistroProfiles(join(import.meta.dirname, '../../../kickstart'));
    const ids = [...catalog.values()].filter((profile) => profile.family === family).map((profile) => profile.id).sort();
    expect(ids.length).toBeGreaterThan(1);
    expect(await run([verb, '--help'])).toBe(0);
    expect(stdout).toMatch(/Distros for --distro \(profiles in .*kickstart\):\n  (.+)\n$/);
    expect(/Distros for --distro .*\n  (.+)\n$/.exec(stdout)?.[1]?.split(', ')).toEqual(ids);
    expect(stdout).not.toContain(foreign);
  });

  test('unreadable profiles: help still works and says why the list is missing', async () => {
    expect(await run(['kickstart', '--help'], { assetRoot: out })).toBe(0);
    expect(stdout).toMatch(/--distro values: cannot read the profiles in .*kickstart: /);
  });
});

describe('rootcast kickstart --check', () => {
  const good = async (): Promise<string> => readFile(join(goldenDir, 'rhel9-static-raid-lvm.ks'), 'utf8');

  test('a good kickstart: 0', async () => {
    const file = join(out, 'good.ks');
    await writeFile(file, await good());
    expect(await run(['kickstart', '--check', file])).toBe(0);
    expect(stdout).toBe(`${file}: ok (rhel9 kickstart syntax)\n`);
  });

  test('a bad kickstart: 65 and every problem as "line N: ..."', async () => {
    const file = join(out, 'bad.ks');
    await writeFile(file, (await good()).replace('rootpw --iscrypted', 'rootpw --iscrypted --allow-ssh').replace('skipx', 'skipx now'));
    expect(await run(['kickstart', '--check', file, '--distro', 'rocky8'])).toBe(65);
    expect(stderr).toContain(`kickstart ${file} has 3 problem(s) for rhel8`);
    expect(stderr).toContain('  line 10: option --allow-ssh of "rootpw" is not supported on rhel8');
    expect(stderr).toContain('  line 13: "skipx" takes no arguments (got "now")');
    // The rhel9 golden's %packages spelling is too new for RHEL 8's parser.
    expect(stderr).toContain('  line 30: option --exclude-weakdeps of %packages is not supported on rhel8');
  });

  test('"-" reads the kickstart from stdin', async () => {
    expect(await run(['kickstart', '--check', '-'], { readStdin: async () => 'text\nfrobnicate\n' })).toBe(65);
    expect(stderr).toContain('kickstart stdin has 1 problem(s) for rhel9');
    expect(stderr).toContain('line 2: unknown command "frobnicate"');
    expect(await run(['kickstart', '--check', '-'], { readStdin: good })).toBe(0);
  });

  test('a missing file: 66; an unknown dialect: 64', async () => {
    expect(await run(['kickstart', '--check', join(out, 'none.ks')])).toBe(66);
    expect(stderr).toContain('does not exist');
    expect(await run(['kickstart', '--check', '-', '--distro', 'debian12'], { readStdin: good })).toBe(64);
    expect(stderr).toContain('--distro "debian12" is not a kickstart distro; use one of: alma10');
  });
});

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { runBinary, type CliRun } from '../helpers/cli.js';

const spawnBinary = (args: readonly string[]): Promise<CliRun> => runBinary(args, { ROOTCAST_HOME: '' });

/** Every command of the tree (the program, each noun, each verb) with the words that reach it. */
interface Target {
  path: string[];
  command: CommandUnknownOpts;
}

const walk = (command: CommandUnknownOpts, path: string[]): Target[] => [
  { path, command },
  ...command.commands.flatMap((sub) => walk(sub, [...path, sub.name()])),
];

// Enumerated from the real command tree, so a new noun or verb is covered without editing this file.
const targets = walk(buildProgram() as unknown as CommandUnknownOpts, []);

interface UsageCase {
  kind: 'unknown option' | 'missing argument' | 'missing option' | 'missing value' | 'unknown command' | 'no command' | 'too many';
  argv: string[];
  /** Part of the message that names the problem. */
  says: string;
}

/** The usage errors each command can have, built from its declared arguments and options. */
const usageCases = ({ path, command }: Target): UsageCase[] => {
  const requiredArgs = command.registeredArguments.filter((arg) => arg.required).map(() => 'x');
  const mandatory = command.options.filter((option) => option.mandatory).flatMap((option) => [option.long ?? '', 'x']);
  const cases: UsageCase[] = [{ kind: 'unknown option', argv: [...path, ...requiredArgs, ...mandatory, '--no-such-option'], says: "unknown option '--no-such-option'" }];
  const firstRequired = command.registeredArguments.find((arg) => arg.required);
  if (firstRequired !== undefined) cases.push({ kind: 'missing argument', argv: [...path, ...mandatory], says: `missing required argument '${firstRequired.name()}'` });
  for (const option of command.options.filter((candidate) => candidate.mandatory)) {
    cases.push({ kind: 'missing option', argv: [...path, ...requiredArgs], says: `required option '${option.flags}' not specified` });
  }
  const valued = command.options.find((option) => option.required);
  if (valued !== undefined) cases.push({ kind: 'missing value', argv: [...path, ...requiredArgs, ...mandatory, valued.long ?? ''], says: `option '${valued.flags}' argument missing` });
  if (command.commands.length > 0) {
    cases.push({ kind: 'unknown command', argv: [...path, 'no-such-verb'], says: "unknown command 'no-such-verb'" });
    cases.push({ kind: 'no command', argv: path, says: 'needs a command' });
  } else if (!command.registeredArguments.some((arg) => arg.variadic)) {
    cases.push({ kind: 'too many', argv: [...path, ...command.registeredArguments.map(() => 'x'), 'extra', ...mandatory], says: 'too many arguments' });
  }
  return cases;
};

/** One bad value per verb that takes valued options: the option, and the value its message must name. */
interface BadValueCase {
  argv: string[];
  option: string;
  value: string;
}

const badValueCases: BadValueCase[] = [
  { argv: ['init', '--server-url', 'ftp://x'], option: '--server-url', value: 'ftp://x' },
  { argv: ['capture', '--from-dir', '/nonexistent', '--image', 'web', '--settle', 'x'], option: '--settle', value: '"x"' },
  { argv: ['image', 'prune', 'web', '--keep', 'abc'], option: '--keep', value: '"abc"' },
  { argv: ['host', 'add', 'web01', '--ip', 'x'], option: '--ip', value: '"x"' },
  { argv: ['host', 'set', 'web01', '--mac', '52:54:00:zz:00:01'], option: '--mac', value: '"52:54:00:zz:00:01"' },
  { argv: ['host', 'list', '--image', 'web@'], option: '--image', value: '"web@"' },
  { argv: ['group', 'add', 'web', '--image', 'web:2'], option: '--image', value: '"web:2"' },
  { argv: ['group', 'set', 'web', '--network', 'Bad Name'], option: '--network', value: '"Bad Name"' },
  { argv: ['kickstart', 'web01', '--distro', 'bogus'], option: '--distro', value: '"bogus"' },
  { argv: ['preseed', 'web01', '--distro', 'rhel9'], option: '--distro', value: 'rhel9' },
  { argv: ['render', 'web01', '--diff', 'Bad_Host'], option: '--diff', value: '"Bad_Host"' },
  { argv: ['serve', '--http', 'x'], option: '--http', value: '"x"' },
  { argv: ['status', '--interval', 'x'], option: '--interval', value: '"x"' },
  { argv: ['logs', 'web01', '--install', 'x'], option: '--install', value: '"x"' },
  { argv: ['runner', '--target', '/', '--server', 'http://127.0.0.1:1', '--host', 'web01', '--token', 't', '--firmware', 'bogus'], option: '--firmware', value: '"bogus"' },
  { argv: ['update', '--via', 'bogus'], option: '--via', value: '"bogus"' },
  { argv: ['push', 'web01', '--timeout', 'abc'], option: '--timeout', value: '"abc"' },
  { argv: ['drift', 'web01', '--concurrency', '0'], option: '--concurrency', value: '"0"' },
  { argv: ['dhcp', 'config', '--format', 'bogus'], option: '--format', value: '"bogus"' },
  { argv: ['dhcp', 'learn', '--leases', '/nonexistent', '--hosts', 'web[1-'], option: '--hosts', value: '"web[1-"' },
];

/** Verbs whose every valued option takes any text, so no value is bad. */
const acceptsAnyValue: Record<string, string> = {
  'image shell': '--command takes any shell command',
};

/** The verb an argv reaches: its leading words that name commands. */
const verbOf = (argv: readonly string[]): string => {
  const names = targets.map((target) => target.path.join(' '));
  let verb = '';
  for (const word of argv) {
    const next = verb === '' ? word : `${verb} ${word}`;
    if (!names.includes(next)) break;
    verb = next;
  }
  return verb;
};

const usageOf = ({ path, command }: Target): string => `usage: ${['rootcast', ...path].join(' ')} ${command.usage()}`;

describe('usage errors of every noun and verb (the built binary)', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'rootcast-usage-'));
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });
  const run = (argv: readonly string[]): Promise<CliRun> => spawnBinary(['--home', home, ...argv]);

  test('the tree has the nouns and verbs this test is meant to walk', () => {
    const names = targets.map((target) => target.path.join(' '));
    for (const name of ['', 'capture', 'image', 'image list', 'image prune', 'host add', 'group rm', 'inventory check', 'kickstart', 'serve', 'runner']) {
      expect(names).toContain(name);
    }
  });

  test.each(targets.map((target) => [target.path.join(' ') || '(no command)', target] as const))('%s', async (_name, target) => {
    for (const { argv, says } of usageCases(target)) {
      const text = await run(argv);
      const where = `rootcast ${argv.join(' ')}\n${text.stderr}`;
      expect(text.status, where).toBe(64);
      expect(text.stdout, where).toBe('');
      expect(text.stderr.startsWith('rootcast: error [USAGE]: '), where).toBe(true);
      expect(text.stderr, where).toContain(says);
      // Only our two lines: no commander text, no help dump.
      expect(text.stderr.trimEnd().split('\n'), where).toEqual([expect.stringContaining(says), `  hint: ${usageOf(target)}`]);
    }
    const jsonCases = usageCases(target).filter((usage) => usage.kind === 'unknown option' || usage.kind === 'missing argument');
    for (const { argv, says } of jsonCases) {
      const json = await run([...argv, '--json']);
      const where = `rootcast ${argv.join(' ')} --json\n${json.stderr}`;
      expect(json.status, where).toBe(64);
      expect(json.stdout, where).toBe('');
      expect(json.stderr.trimEnd().split('\n'), where).toHaveLength(1);
      const { error } = JSON.parse(json.stderr) as { error: { message: string } };
      expect(error, where).toEqual({ code: 'USAGE', exitStatus: 64, message: expect.stringContaining(says), hint: usageOf(target), details: [] });
    }
    const help = await run([...target.path, '--help']);
    expect(help.status).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toContain(`Usage: ${usageOf(target).slice('usage: '.length)}`);
  });

  test('the hint is the verb\'s usage line, and commander\'s suggestion stays in the message', async () => {
    const unknownOption = await run(['image', 'list', '--bogus']);
    expect(unknownOption.stderr).toBe("rootcast: error [USAGE]: unknown option '--bogus'\n  hint: usage: rootcast image list [options] [name]\n");
    const typo = await run(['image', 'lst']);
    expect(typo.status).toBe(64);
    expect(typo.stderr).toBe("rootcast: error [USAGE]: unknown command 'lst' (Did you mean list?)\n  hint: usage: rootcast image [options] [command]\n");
    const fromDir = await run(['capture', '--from-dir', home]);
    expect(fromDir.status).toBe(64);
    expect(fromDir.stderr).toContain("required option '--image <name>' not specified\n  hint: usage: rootcast capture [options] [source]\n");
    const json = await run(['--json', 'image', 'show']);
    expect(JSON.parse(json.stderr)).toEqual({
      error: { code: 'USAGE', exitStatus: 64, message: "missing required argument 'ref'", hint: 'usage: rootcast image show [options] <ref>', details: [] },
    });
  });

  test('--version and help still exit 0 on stdout', async () => {
    const version = await run(['--version']);
    expect(version).toMatchObject({ status: 0, stderr: '' });
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const help = await run(['help', 'image']);
    expect(help).toMatchObject({ status: 0, stderr: '' });
    expect(help.stdout).toContain('Usage: rootcast image [options] [command]');
  });

  test.each(badValueCases.map((badValue) => [badValue.argv.join(' '), badValue] as const))('a bad option value: %s', async (_name, { argv, option, value }) => {
    const target = targets.find((candidate) => candidate.path.join(' ') === verbOf(argv));
    expect(target, `no verb for ${argv.join(' ')}`).toBeDefined();
    const usage = usageOf(target as Target);
    const text = await run(argv);
    const where = `rootcast ${argv.join(' ')}\n${text.stderr}`;
    expect(text.status, where).toBe(64);
    expect(text.stdout, where).toBe('');
    const lines = text.stderr.trimEnd().split('\n');
    // The message names the option and the value; what to write instead may follow as details; the usage line is the hint.
    expect(lines[0], where).toMatch(/^rootcast: error \[USAGE\]: /);
    expect(lines[0], where).toContain(option);
    expect(lines[0], where).toContain(value);
    expect(lines.at(-1), where).toBe(`  hint: ${usage}`);
    const json = await run([...argv, '--json']);
    expect(json.status, where).toBe(64);
    expect(json.stdout, where).toBe('');
    expect(json.stderr.trimEnd().split('\n'), where).toHaveLength(1);
    const { error } = JSON.parse(json.stderr) as { error: { message: string } };
    expect(error, where).toEqual({ code: 'USAGE', exitStatus: 64, message: expect.stringContaining(option), hint: usage, details: expect.any(Array) });
    expect(error.message, where).toContain(value);
    expect(error.message, where).toBe(lines[0]?.slice('rootcast: error [USAGE]: '.length));
  });

  test('every verb with a valued option has a bad-value case (or a reason it has none)', () => {
    const valued = targets.filter((target) => target.path.length > 0 && target.command.commands.length === 0 && target.command.options.some((option) => option.required || option.optional));
    const covered = new Set([...badValueCases.map((badValue) => verbOf(badValue.argv)), ...Object.keys(acceptsAnyValue)]);
    expect(valued.map((target) => target.path.join(' ')).filter((name) => !covered.has(name))).toEqual([]);
  });

  test('the domain advice stays, as a detail line above the usage hint', async () => {
    const keep = await run(['image', 'prune', 'web', '--keep', 'abc']);
    expect(keep.stderr).toBe([
      'rootcast: error [USAGE]: --keep "abc" is not a whole number',
      '  e.g. --keep 3 keeps the three newest versions plus tagged and deployed ones; --keep 0 only those in use',
      '  hint: usage: rootcast image prune [options] <name>',
      '',
    ].join('\n'));
    const timeout = await run(['push', 'web01', '--timeout', 'abc']);
    expect(timeout.stderr).toBe('rootcast: error [USAGE]: --timeout "abc" is not a whole number from 1 to 86400\n  hint: usage: rootcast push [options] <hostspec...>\n');
    // Several problems at once: each one a detail line.
    const runner = await run(['runner', '--firmware', 'bogus', '--retries', 'x']);
    expect(runner.status).toBe(64);
    expect(runner.stderr).toContain('\n  --firmware: "bogus" is not bios, efi or auto\n');
    expect(runner.stderr).toContain('\n  --retries "x" is not a whole number from 1 to 1000\n');
    expect(runner.stderr).toContain('\n  --target: required');
    expect(runner.stderr.trimEnd().split('\n').at(-1)).toBe('  hint: usage: rootcast runner [options]');
  });

  // Runs last: none of the above may have created anything under --home.
  test('nothing was written to the home', async () => {
    expect(await readdir(home)).toEqual([]);
  });
});

import { commandAliases, commandTable, removedCommands } from './command-table.js';
import type { KickstartDialect } from './dialect.js';
import { parseOptions, ruleProblem, supportedOn } from './parse-options.js';
import { sectionTable } from './section-table.js';
import type { CommandSpec, SectionSpec } from './syntax-types.js';
import { tokenizeKickstartLine } from './tokenize.js';

export interface KickstartProblem {
  line: number;
  message: string;
}

export const formatKickstartProblem = (problem: KickstartProblem): string => `line ${problem.line}: ${problem.message}`;

// Object.hasOwn: a line saying "constructor" must not find Object.prototype's member.
const own = <T>(table: Readonly<Record<string, T>>, key: string): T | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);

const installSources = ['url', 'cdrom', 'nfs', 'harddrive', 'liveimg'];
const manualStorage = ['part', 'raid', 'volgroup', 'logvol', 'reqpart', 'btrfs'];

/**
 * Checks a kickstart against the syntax table for one Anaconda release: unknown commands, sections
 * and options, missing or bad values, single-use commands repeated, sections without %end, and
 * commands that cannot be combined. Returns every problem, in line order.
 */
export const checkKickstart = (text: string, dialect: KickstartDialect): KickstartProblem[] => {
  const problems: KickstartProblem[] = [];
  const report = (line: number, message: string): void => void problems.push({ line, message });
  const firstSeen = new Map<string, number>();
  let open: { name: string; line: number } | undefined;

  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((raw, index) => {
    const number = index + 1;
    const trimmed = raw.replace(/\r$/, '').trim();
    if (open !== undefined) {
      const head = trimmed.split(/\s+/)[0] ?? '';
      if (head === '%end') {
        if (trimmed !== '%end') report(number, '%end takes no arguments');
        open = undefined;
        return;
      }
      if (own(sectionTable, head) === undefined) return;
      report(open.line, `${open.name} has no matching %end`);
      open = undefined;
    }
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const tokenized = tokenizeKickstartLine(trimmed);
    if (!tokenized.ok) return report(number, tokenized.problem);
    const [first = '', ...rest] = tokenized.tokens;
    if (first === '%end') return report(number, '%end without an open section');
    if (first.startsWith('%') && own(commandTable, first) === undefined) {
      open = { name: first, line: number };
      const section = own(sectionTable, first);
      if (section === undefined) return report(number, `unknown section "${first}"`);
      if (first === '%packages') noteSingleUse(first, number, firstSeen, report);
      for (const message of checkHeader(first, section, rest, dialect)) report(number, message);
      return;
    }
    const name = own(commandAliases, first) ?? first;
    const removed = own(removedCommands, name);
    if (removed !== undefined) return report(number, `command "${name}" ${removed}`);
    const spec = own(commandTable, name);
    if (spec === undefined) return report(number, `unknown command "${first}"`);
    if (spec.only !== undefined && !spec.only.includes(dialect)) {
      report(number, `command "${name}" is not supported on ${dialect} (${supportedOn(spec.only)})`);
    }
    if (spec.repeatable !== true) noteSingleUse(name, number, firstSeen, report);
    else if (!firstSeen.has(name)) firstSeen.set(name, number);
    if (spec.unchecked !== true) for (const message of checkCommand(name, spec, rest, dialect)) report(number, message);
  });
  if (open !== undefined) report(open.line, `${open.name} has no matching %end`);
  checkCombinations(firstSeen, report);
  return problems.sort((a, b) => a.line - b.line);
};

const noteSingleUse = (name: string, line: number, firstSeen: Map<string, number>, report: (line: number, message: string) => void): void => {
  const first = firstSeen.get(name);
  if (first === undefined) firstSeen.set(name, line);
  else report(line, `"${name}" may appear only once (first on line ${first})`);
};

const checkCommand = (name: string, spec: CommandSpec, words: readonly string[], dialect: KickstartDialect): string[] => {
  const owner = `"${name}"`;
  const parsed = parseOptions(words, spec.options, owner, dialect);
  const problems = [...parsed.problems, ...checkArgs(owner, spec.args, parsed.args)];
  if (spec.args.rule !== undefined && parsed.args.length > 0) {
    const problem = ruleProblem(parsed.args[0] ?? '', spec.args.rule, `for ${owner}`);
    if (problem !== undefined) problems.push(problem);
  }
  for (const required of spec.requires ?? []) if (!parsed.options.has(required)) problems.push(`${owner} needs ${required}`);
  if (spec.requiresOneOf !== undefined && !spec.requiresOneOf.some((option) => parsed.options.has(option))) {
    problems.push(`${owner} needs one of ${spec.requiresOneOf.join(', ')}`);
  }
  const refined = spec.refine?.({ name, options: parsed.options, args: parsed.args });
  if (refined !== undefined) problems.push(refined);
  return problems;
};

const checkHeader = (name: string, spec: SectionSpec, words: readonly string[], dialect: KickstartDialect): string[] => {
  if (spec.only !== undefined && !spec.only.includes(dialect)) return [`section ${name} is not supported on ${dialect} (${supportedOn(spec.only)})`];
  if (spec.unchecked === true) return words.length === 0 ? [`${name} needs ${spec.args.describe}`] : [];
  const parsed = parseOptions(words, spec.options, name, dialect);
  return [...parsed.problems, ...checkArgs(name, spec.args, parsed.args)];
};

const checkArgs = (owner: string, args: CommandSpec['args'], given: readonly string[]): string[] => {
  if (given.length >= args.min && given.length <= args.max) return [];
  if (args.max === 0) return [`${owner} takes no arguments (got "${given.join(' ')}")`];
  const plural = (count: number): string => `${count} argument${count === 1 ? '' : 's'}`;
  const expected =
    args.min === args.max ? plural(args.min) : args.max === Infinity ? `at least ${plural(args.min)}` : `${args.min}-${args.max} arguments`;
  return [`${owner} expects ${expected} (${args.describe}), got ${given.length}`];
};

const checkCombinations = (firstSeen: ReadonlyMap<string, number>, report: (line: number, message: string) => void): void => {
  const autopart = firstSeen.get('autopart');
  const manual = manualStorage.find((name) => firstSeen.has(name));
  if (autopart !== undefined && manual !== undefined) {
    report(autopart, `"autopart" cannot be combined with "${manual}" (line ${firstSeen.get(manual)})`);
  }
  const sources = installSources.filter((name) => firstSeen.has(name));
  const [firstSource, ...others] = sources.sort((a, b) => (firstSeen.get(a) ?? 0) - (firstSeen.get(b) ?? 0));
  for (const other of others) {
    report(firstSeen.get(other) ?? 0, `only one installation source is allowed ("${firstSource}" on line ${firstSeen.get(firstSource ?? '')})`);
  }
};

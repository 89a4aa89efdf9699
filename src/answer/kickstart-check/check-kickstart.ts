import { availabilityProblem, commandAvailability } from './availability.js';
import { commandAliases, commandTable, removedCommands } from './command-table.js';
import type { KickstartDialect } from './dialect.js';
import { parseOptions, ruleProblem } from './parse-options.js';
import { sectionTable } from './section-table.js';
import type { CommandSpec, ParsedCommandLine, ProblemSeverity, SectionSpec, SyntaxProblem } from './syntax-types.js';
import { tokenizeKickstartLine } from './tokenize.js';

export interface KickstartProblem {
  line: number;
  message: string;
  /** `error`: Anaconda stops at parse time; `warning`: it logs a deprecation and goes on. */
  severity: ProblemSeverity;
}

export const formatKickstartProblem = (problem: KickstartProblem): string =>
  `line ${problem.line}: ${problem.severity === 'warning' ? 'warning: ' : ''}${problem.message}`;

/** True when a list of problems would stop Anaconda (warnings alone do not). */
export const hasKickstartErrors = (problems: readonly KickstartProblem[]): boolean => problems.some((problem) => problem.severity === 'error');

// Object.hasOwn: a line saying "constructor" must not find Object.prototype's member.
const own = <T>(table: Readonly<Record<string, T>>, key: string): T | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);

const installSources = ['url', 'cdrom', 'nfs', 'harddrive', 'liveimg', 'hmc', 'ostreesetup', 'ostreecontainer', 'bootc'];
// pykickstart's AutoPart.parse conflicts (F20: part, raid, volgroup, logvol, mount; F23: reqpart), plus btrfs.
const manualStorage = ['part', 'raid', 'volgroup', 'logvol', 'reqpart', 'mount', 'btrfs'];

type Report = (line: number, problem: SyntaxProblem) => void;
const error = (message: string): SyntaxProblem => ({ severity: 'error', message });

/**
 * Checks a kickstart against the syntax table for one Anaconda release, the way that release's
 * pykickstart handler would parse it: unknown, removed and too-new commands, sections and options
 * (errors), deprecated ones (warnings), missing or bad values, single-use commands repeated, sections
 * without %end, and commands that cannot be combined. Returns every problem, in line order.
 */
export const checkKickstart = (text: string, dialect: KickstartDialect): KickstartProblem[] => {
  const problems: KickstartProblem[] = [];
  const report: Report = (line, problem) => void problems.push({ line, ...problem });
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
        if (trimmed !== '%end') report(number, error('%end takes no arguments'));
        open = undefined;
        return;
      }
      if (own(sectionTable, head) === undefined) return;
      report(open.line, error(`${open.name} has no matching %end`));
      open = undefined;
    }
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const tokenized = tokenizeKickstartLine(trimmed);
    if (!tokenized.ok) return report(number, error(tokenized.problem));
    const [first = '', ...rest] = tokenized.tokens;
    if (first === '%end') return report(number, error('%end without an open section'));
    if (first.startsWith('%') && own(commandTable, first) === undefined) {
      open = { name: first, line: number };
      const section = own(sectionTable, first);
      if (section === undefined) return report(number, error(`unknown section "${first}"`));
      for (const problem of checkHeader(first, section, rest, dialect)) report(number, problem);
      return;
    }
    const name = own(commandAliases, first) ?? first;
    const removed = own(removedCommands, name);
    if (removed !== undefined) return report(number, error(`command "${name}" ${removed}`));
    const spec = own(commandTable, name);
    if (spec === undefined) return report(number, error(`unknown command "${first}"`));
    const release = availabilityProblem(`command "${first}"`, commandAvailability(spec), dialect);
    if (release !== undefined) report(number, release);
    if (spec.repeatable !== true) noteSingleUse(name, number, firstSeen, report);
    else if (!firstSeen.has(name)) firstSeen.set(name, number);
    if (release?.severity === 'error' || spec.unchecked === true) return;
    for (const problem of checkCommand(name, spec, rest, dialect)) report(number, problem);
  });
  if (open !== undefined) report(open.line, error(`${open.name} has no matching %end`));
  checkCombinations(firstSeen, report);
  return problems.sort((a, b) => a.line - b.line);
};

const noteSingleUse = (name: string, line: number, firstSeen: Map<string, number>, report: Report): void => {
  const first = firstSeen.get(name);
  if (first === undefined) firstSeen.set(name, line);
  else report(line, error(`"${name}" may appear only once (first on line ${first})`));
};

const checkCommand = (name: string, spec: CommandSpec, words: readonly string[], dialect: KickstartDialect): SyntaxProblem[] => {
  const owner = `"${name}"`;
  const parsed = parseOptions(words, spec.options, owner, dialect);
  const problems = [...parsed.problems, ...checkArgs(owner, spec.args, parsed.args)];
  if (spec.args.rule !== undefined && parsed.args.length > 0) {
    const problem = ruleProblem(parsed.args[0] ?? '', spec.args.rule, `for ${owner}`);
    if (problem !== undefined) problems.push(error(problem));
  }
  for (const required of spec.requires ?? []) if (!parsed.options.has(required)) problems.push(error(`${owner} needs ${required}`));
  if (spec.requiresOneOf !== undefined && !spec.requiresOneOf.some((option) => parsed.options.has(option))) {
    problems.push(error(`${owner} needs one of ${spec.requiresOneOf.join(', ')}`));
  }
  const line: ParsedCommandLine = { name, options: parsed.options, args: parsed.args };
  const refined = spec.refine?.(line, dialect);
  if (refined !== undefined) problems.push(error(refined));
  return problems;
};

const checkHeader = (name: string, spec: SectionSpec, words: readonly string[], dialect: KickstartDialect): SyntaxProblem[] => {
  const release = availabilityProblem(`section ${name}`, spec, dialect);
  if (release?.severity === 'error') return [release];
  if (spec.unchecked === true) return words.length === 0 ? [error(`${name} needs ${spec.args.describe}`)] : [];
  const parsed = parseOptions(words, spec.options, name, dialect);
  const problems = [...(release === undefined ? [] : [release]), ...parsed.problems, ...checkArgs(name, spec.args, parsed.args)];
  const refined = spec.refine?.({ name, options: parsed.options, args: parsed.args });
  return refined === undefined ? problems : [...problems, error(refined)];
};

const checkArgs = (owner: string, args: CommandSpec['args'], given: readonly string[]): SyntaxProblem[] => {
  if (given.length >= args.min && given.length <= args.max) return [];
  if (args.max === 0) return [error(`${owner} takes no arguments (got "${given.join(' ')}")`)];
  const plural = (count: number): string => `${count} argument${count === 1 ? '' : 's'}`;
  const expected =
    args.min === args.max ? plural(args.min) : args.max === Infinity ? `at least ${plural(args.min)}` : `${args.min}-${args.max} arguments`;
  return [error(`${owner} expects ${expected} (${args.describe}), got ${given.length}`)];
};

const checkCombinations = (firstSeen: ReadonlyMap<string, number>, report: Report): void => {
  const autopart = firstSeen.get('autopart');
  const manual = manualStorage.find((name) => firstSeen.has(name));
  if (autopart !== undefined && manual !== undefined) {
    report(autopart, error(`"autopart" cannot be combined with "${manual}" (line ${firstSeen.get(manual)})`));
  }
  const sources = installSources.filter((name) => firstSeen.has(name));
  const [firstSource, ...others] = sources.sort((a, b) => (firstSeen.get(a) ?? 0) - (firstSeen.get(b) ?? 0));
  for (const other of others) {
    report(firstSeen.get(other) ?? 0, error(`only one installation source is allowed ("${firstSource}" on line ${firstSeen.get(firstSource ?? '')})`));
  }
};

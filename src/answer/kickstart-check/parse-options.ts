import { availabilityProblem } from './availability.js';
import type { KickstartDialect } from './dialect.js';
import type { OptionSpec, SyntaxProblem, ValueRule } from './syntax-types.js';

export interface ParsedOptions {
  options: Map<string, string | true>;
  args: string[];
  problems: SyntaxProblem[];
}

const error = (message: string): SyntaxProblem => ({ severity: 'error', message });

/**
 * Reads `--opt=value`, `--opt value` and flags the way Anaconda's argparse does, checking each
 * option against its spec for `dialect`. `owner` names the command or section in messages.
 */
export const parseOptions = (
  words: readonly string[],
  specs: Readonly<Record<string, OptionSpec>>,
  owner: string,
  dialect: KickstartDialect,
): ParsedOptions => {
  const parsed: ParsedOptions = { options: new Map(), args: [], problems: [] };
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index] ?? '';
    if (!word.startsWith('-') || word === '-') {
      parsed.args.push(word);
      continue;
    }
    const equals = word.indexOf('=');
    const name = equals === -1 ? word : word.slice(0, equals);
    const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
    if (spec === undefined) {
      parsed.problems.push(error(`unknown option ${name} for ${owner}`));
      continue;
    }
    const release = availabilityProblem(`option ${name} of ${owner}`, spec, dialect);
    if (release !== undefined) parsed.problems.push(release);
    if (spec.value === 'none') {
      if (equals !== -1) parsed.problems.push(error(`option ${name} of ${owner} takes no value`));
      parsed.options.set(name, true);
      continue;
    }
    let optionValue: string | undefined = equals === -1 ? undefined : word.slice(equals + 1);
    if (optionValue === undefined && spec.value === 'required') {
      const next = words[index + 1];
      if (next !== undefined && !next.startsWith('--')) {
        optionValue = next;
        index += 1;
      }
    }
    if (optionValue === undefined || (optionValue === '' && spec.value === 'required')) {
      if (spec.value === 'required') {
        parsed.problems.push(error(`option ${name} of ${owner} needs a value`));
        continue;
      }
      parsed.options.set(name, true);
      continue;
    }
    const problem = valueProblem(optionValue, spec, name, owner, dialect);
    if (problem !== undefined) parsed.problems.push(problem);
    parsed.options.set(name, optionValue);
  }
  return parsed;
};

const valueProblem = (text: string, spec: OptionSpec, name: string, owner: string, dialect: KickstartDialect): SyntaxProblem | undefined => {
  if (spec.choices !== undefined) {
    const match = spec.choices.find((choice) => (spec.ignoreCase === true ? choice.toLowerCase() === text.toLowerCase() : choice === text));
    if (match === undefined) return error(`bad value "${text}" for ${name} of ${owner} (expected one of: ${spec.choices.join(', ')})`);
    const availability = spec.choicesOnly?.[match];
    if (availability !== undefined) return availabilityProblem(`value "${text}" for ${name} of ${owner}`, availability, dialect);
  }
  if (spec.rule === undefined) return undefined;
  const problem = ruleProblem(text, spec.rule, `for ${name} of ${owner}`);
  return problem === undefined ? undefined : error(problem);
};

export const ruleProblem = (text: string, rule: ValueRule, where: string): string | undefined =>
  rule.pattern.test(text) ? undefined : `bad value "${text}" ${where} (expected ${rule.expected})`;

import type { KickstartDialect } from './dialect.js';
import type { OptionSpec, ValueRule } from './syntax-types.js';

export interface ParsedOptions {
  options: Map<string, string | true>;
  args: string[];
  problems: string[];
}

const supportedOn = (only: readonly KickstartDialect[]): string => `supported on: ${only.join(', ')}`;

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
      parsed.problems.push(`unknown option ${name} for ${owner}`);
      continue;
    }
    if (spec.only !== undefined && !spec.only.includes(dialect)) {
      parsed.problems.push(`option ${name} of ${owner} is not supported on ${dialect} (${supportedOn(spec.only)})`);
    }
    if (spec.value === 'none') {
      if (equals !== -1) parsed.problems.push(`option ${name} of ${owner} takes no value`);
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
        parsed.problems.push(`option ${name} of ${owner} needs a value`);
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

const valueProblem = (text: string, spec: OptionSpec, name: string, owner: string, dialect: KickstartDialect): string | undefined => {
  if (spec.choices !== undefined) {
    const match = spec.choices.find((choice) => (spec.ignoreCase === true ? choice.toLowerCase() === text.toLowerCase() : choice === text));
    if (match === undefined) return `bad value "${text}" for ${name} of ${owner} (expected one of: ${spec.choices.join(', ')})`;
    const only = spec.choicesOnly?.[match];
    if (only !== undefined && !only.includes(dialect)) {
      return `value "${text}" for ${name} of ${owner} is not supported on ${dialect} (${supportedOn(only)})`;
    }
  }
  if (spec.rule !== undefined) return ruleProblem(text, spec.rule, `for ${name} of ${owner}`);
  return undefined;
};

export const ruleProblem = (text: string, rule: ValueRule, where: string): string | undefined =>
  rule.pattern.test(text) ? undefined : `bad value "${text}" ${where} (expected ${rule.expected})`;

export { supportedOn };

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { RootcastError } from '../errors/rootcast-error.js';

/**
 * One option of a command the runner bundle runs (`runner.cjs` itself, `runner.cjs update`), declared once
 * for the bundle's parseArgs (node:util: the bundle carries no commander) and the CLI's commander alike.
 */
export interface OptionSpec<Key extends string = string> {
  /** The flag without dashes ("work-dir"). */
  flag: string;
  /** Where the value lands in the command's raw options (commander's attribute name, but for a --no-X switch). */
  key: Key;
  /** A string value's placeholder ("DIR"); undefined for a boolean switch. */
  value?: string;
  help: string;
  /** The value used when the option is absent, as it would be typed. */
  default?: string;
  /** The CLI's command takes it from rootcast's global option of the same name (--json). @default false */
  global?: boolean;
}

/** The help line's text: the help plus its default. */
export const describeOption = (spec: OptionSpec): string => (spec.default === undefined ? spec.help : `${spec.help} (default ${spec.default})`);

/** The option lines of a bundle command's --help, written from its table (and --help itself). */
export const formatOptionLines = (table: readonly OptionSpec[], column: number): string =>
  [...table.map((spec) => [`--${spec.flag}${spec.value === undefined ? '' : ` ${spec.value}`}`, describeOption(spec)]), ['--help', 'show this help']]
    .map(([flag = '', help = '']) => `  ${flag.padEnd(column)}${help}`)
    .join('\n');

/** argv as the table declares it: every flag's value under its key, or `help` (unknown flags are usage errors). */
export const parseOptionArgs = <Raw>(table: readonly OptionSpec<keyof Raw & string>[], argv: readonly string[]): { help: true } | { help: false; raw: Raw } => {
  const options: NonNullable<ParseArgsConfig['options']> = Object.fromEntries([
    ...table.map((spec) => [spec.flag, { type: spec.value === undefined ? 'boolean' : 'string' } as const]),
    ['help', { type: 'boolean' } as const],
  ]);
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: [...argv], strict: true, allowPositionals: false, options }));
  } catch (error) {
    throw new RootcastError('USAGE', error instanceof Error ? error.message : String(error), { hint: 'run with --help for the options' });
  }
  if (values['help'] === true) return { help: true };
  return { help: false, raw: Object.fromEntries(table.map((spec) => [spec.key, values[spec.flag]])) as Raw };
};

import type { Command } from '@commander-js/extra-typings';
import { describeOption, type OptionSpec } from '../runner/option-spec.js';

/** The table's options on a commander command, but the global ones (--json is rootcast's own). */
export const addTableOptions = (command: Command, table: readonly OptionSpec[]): void => {
  for (const spec of table.filter((option) => option.global !== true)) {
    command.option(`--${spec.flag}${spec.value === undefined ? '' : ` <${spec.value.toLowerCase()}>`}`, describeOption(spec));
  }
};

/**
 * What commander parsed, keyed as the bundle's parser keys it (runner/option-spec.ts): commander stores
 * --work-dir as workDir (the table's key) and keeps a --no-X switch as X: false, which the table keys noX: true.
 */
export const rawOptionsOf = <Raw>(command: { opts(): object }, table: readonly OptionSpec<keyof Raw & string>[]): Raw => {
  const given = command.opts() as Record<string, string | boolean | undefined>;
  const valueOf = (spec: OptionSpec): string | boolean | undefined =>
    spec.flag.startsWith('no-') ? (given[spec.key.replace(/^no([A-Z])/, (_, letter: string) => letter.toLowerCase())] === false ? true : undefined) : given[spec.key];
  return Object.fromEntries(table.map((spec) => [spec.key, spec.global === true ? undefined : valueOf(spec)])) as Raw;
};

import type { KickstartDialect } from './dialect.js';

/** A value an option or argument must match, with the words used in the error message. */
export interface ValueRule {
  pattern: RegExp;
  /** What a good value looks like, for the message ("a whole number of MiB"). */
  expected: string;
}

export interface OptionSpec {
  /** `none`: a flag; `required`: `--opt=V` or `--opt V`; `optional`: only `--opt=V` or bare. */
  value: 'none' | 'required' | 'optional';
  /** Allowed values (exact, case-sensitive unless `ignoreCase`). */
  choices?: readonly string[];
  ignoreCase?: boolean;
  /** Choices available only on some releases (e.g. autopart --type=btrfs on Fedora). */
  choicesOnly?: Readonly<Record<string, readonly KickstartDialect[]>>;
  rule?: ValueRule;
  /** Releases that accept the option; absent = every release in the table. */
  only?: readonly KickstartDialect[];
}

export interface CommandSpec {
  options: Readonly<Record<string, OptionSpec>>;
  /** Positional arguments: counts and what they are. */
  args: { min: number; max: number; describe: string; rule?: ValueRule };
  /** May appear more than once (part, network, repo...). @default false */
  repeatable?: boolean;
  /** Releases that accept the command; absent = all. */
  only?: readonly KickstartDialect[];
  /** Options that must be present. */
  requires?: readonly string[];
  /** At least one of these options must be present. */
  requiresOneOf?: readonly string[];
  /** Recognised, but its options are not checked (rarely used hardware/storage commands). */
  unchecked?: boolean;
  /** Extra rule over the parsed line; returns a problem or undefined. */
  refine?: (line: ParsedCommandLine) => string | undefined;
}

export interface ParsedCommandLine {
  name: string;
  /** Option name (with `--`) to its value (`true` for a flag). */
  options: ReadonlyMap<string, string | true>;
  args: readonly string[];
}

export interface SectionSpec {
  options: Readonly<Record<string, OptionSpec>>;
  /** Positional arguments after the header (`%addon com_redhat_kdump`). */
  args: { min: number; max: number; describe: string };
  /** Body lines are scripts or package names: never parsed as commands. */
  only?: readonly KickstartDialect[];
  /** Options are not checked (add-on sections define their own). */
  unchecked?: boolean;
}

import type { KickstartDialect } from './dialect.js';

/** A value an option or argument must match, with the words used in the error message. */
export interface ValueRule {
  pattern: RegExp;
  /** What a good value looks like, for the message ("a whole number of MiB"). */
  expected: string;
}

/**
 * Which releases accept a command, section, option or value, as their pykickstart handler does.
 * Absent fields mean "every release in the table" and "never".
 */
export interface Availability {
  /** Releases that accept it (deprecated ones included). @default every release */
  only?: readonly KickstartDialect[];
  /** Releases that accept it with a deprecation warning (DeprecatedCommand, `deprecated=`, a parse-time warning). */
  deprecated?: readonly KickstartDialect[];
  /** Releases whose handler removed it (RemovedCommand, `remove_argument`): a parse error there. */
  removed?: readonly KickstartDialect[];
  /** What to write instead, shown with every release problem ("--excludeWeakdeps", "timesource --ntp-server"). */
  instead?: string;
}

export interface OptionSpec extends Availability {
  /** `none`: a flag; `required`: `--opt=V` or `--opt V`; `optional`: only `--opt=V` or bare. */
  value: 'none' | 'required' | 'optional';
  /** Allowed values (exact, case-sensitive unless `ignoreCase`). */
  choices?: readonly string[];
  ignoreCase?: boolean;
  /** Per-value availability (e.g. autopart --type=btrfs only where the handler allows it). */
  choicesOnly?: Readonly<Record<string, Availability>>;
  rule?: ValueRule;
}

/** The pykickstart command class each release's handler maps a command to (documentation and availability). */
export type HandlerClasses = Readonly<Partial<Record<KickstartDialect, string>>>;

export interface CommandSpec extends Omit<Availability, 'only'> {
  /** pykickstart class per release; a release without one does not know the command. */
  classes: HandlerClasses;
  options: Readonly<Record<string, OptionSpec>>;
  /** Positional arguments: counts and what they are. */
  args: { min: number; max: number; describe: string; rule?: ValueRule };
  /** May appear more than once (part, network, repo...). @default false */
  repeatable?: boolean;
  /** Options that must be present. */
  requires?: readonly string[];
  /** At least one of these options must be present. */
  requiresOneOf?: readonly string[];
  /** Recognised, but its options are not checked (rarely used hardware, add-on and free-form commands). */
  unchecked?: boolean;
  /** Extra rule over the parsed line; returns a problem or undefined. */
  refine?: (line: ParsedCommandLine, dialect: KickstartDialect) => string | undefined;
}

export interface ParsedCommandLine {
  name: string;
  /** Option name (with `--`) to its value (`true` for a flag). */
  options: ReadonlyMap<string, string | true>;
  args: readonly string[];
}

export interface SectionSpec extends Availability {
  options: Readonly<Record<string, OptionSpec>>;
  /** Positional arguments after the header (`%addon com_redhat_kdump`). */
  args: { min: number; max: number; describe: string };
  /** Options are not checked (add-on sections define their own). */
  unchecked?: boolean;
  /** Extra rule over the parsed header; returns a problem or undefined. */
  refine?: (line: ParsedCommandLine) => string | undefined;
}

/** How a problem blocks an install: Anaconda stops on an error and logs a warning. */
export type ProblemSeverity = 'error' | 'warning';

export interface SyntaxProblem {
  severity: ProblemSeverity;
  message: string;
}

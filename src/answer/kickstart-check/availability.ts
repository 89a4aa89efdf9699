import type { KickstartDialect } from './dialect.js';
import type { Availability, CommandSpec, SyntaxProblem } from './syntax-types.js';

const supportedOn = (only: readonly KickstartDialect[]): string => `supported on: ${only.join(', ')}`;

/**
 * What `dialect` makes of a command, section, option or value (`what` names it in the message):
 * removed is an error (pykickstart raises), too new or too old is an error (argparse rejects it),
 * deprecated is a warning (Anaconda logs it and goes on). Undefined when the release accepts it.
 */
export const availabilityProblem = (what: string, availability: Availability, dialect: KickstartDialect): SyntaxProblem | undefined => {
  const instead = availability.instead === undefined ? '' : `; use ${availability.instead}`;
  if (availability.removed?.includes(dialect) === true) return { severity: 'error', message: `${what} was removed on ${dialect}${instead}` };
  const { only } = availability;
  if (only !== undefined && !only.includes(dialect)) {
    return { severity: 'error', message: `${what} is not supported on ${dialect} (${supportedOn(only)})${instead}` };
  }
  if (availability.deprecated?.includes(dialect) === true) return { severity: 'warning', message: `${what} is deprecated on ${dialect}${instead}` };
  return undefined;
};

/** A command's availability: the releases whose handler maps it, plus its deprecations and removals. */
export const commandAvailability = (spec: CommandSpec): Availability => ({
  only: Object.keys(spec.classes) as KickstartDialect[],
  ...(spec.deprecated === undefined ? {} : { deprecated: spec.deprecated }),
  ...(spec.removed === undefined ? {} : { removed: spec.removed }),
  ...(spec.instead === undefined ? {} : { instead: spec.instead }),
});

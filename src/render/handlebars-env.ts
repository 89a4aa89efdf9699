import Handlebars from 'handlebars';
import { quoteShellWord } from '../sys/command-line.js';
import type { LayoutPartitioningContext, VolumeUse } from './host-render-context.js';
import { kickstartVolume } from './kickstart-storage.js';
import { buildPartmanRecipe } from './partman-recipe.js';

export type RenderEnvironment = ReturnType<typeof Handlebars.create>;

/** Options every rootcast template is compiled with: no HTML escaping, and a missing variable is an error. */
export const templateCompileOptions = { noEscape: true, strict: true } as const;

const asStrings = (value: unknown, helper: string): string[] => {
  if (!Array.isArray(value)) throw new Error(`${helper}: expected a list, got ${typeof value}`);
  return value.map(String);
};

/**
 * Helpers are pure functions of their arguments: none reads files, the clock or the environment,
 * so a render is a function of the context alone (golden-testable). Every template gets these.
 */
export const generalHelpers: Readonly<Record<string, Handlebars.HelperDelegate>> = {
  eq: (a: unknown, b: unknown) => a === b,
  /** Joins its arguments into one string (handlebars passes an options object last; it is dropped). */
  concat: (...args: unknown[]) => args.slice(0, -1).map(String).join(''),
  join: (list: unknown, separator: unknown) => asStrings(list, 'join').join(String(separator)),
  /** Quotes a value as one POSIX shell word. */
  shq: (value: unknown) => quoteShellWord(String(value)),
  /** Shell `printf '%s\n'` arguments: each value quoted. */
  shqList: (list: unknown) => asStrings(list, 'shqList').map(quoteShellWord).join(' '),
};

/** The answer files' own helpers (disk layouts), on top of the general ones. */
const answerHelpers: Readonly<Record<string, Handlebars.HelperDelegate>> = {
  ...generalHelpers,
  /** `sda` -> `/dev/sda`; each of a list, space-separated. */
  devPaths: (list: unknown) => asStrings(list, 'devPaths').map((disk) => `/dev/${disk}`).join(' '),
  ksVolume: (use: VolumeUse, memberId: unknown) => kickstartVolume(use, String(memberId)),
  partmanRecipe: (layout: LayoutPartitioningContext) => buildPartmanRecipe(layout),
};

/** A dedicated handlebars environment (never the global one) with exactly these helpers. */
export const createEnvironmentWith = (helpers: Readonly<Record<string, Handlebars.HelperDelegate>>): RenderEnvironment => {
  const env = Handlebars.create();
  for (const [name, helper] of Object.entries(helpers)) env.registerHelper(name, helper);
  return env;
};

/** The answer-file templates' environment. */
export const createRenderEnvironment = (): RenderEnvironment => createEnvironmentWith(answerHelpers);

import type { SectionSpec } from './syntax-types.js';
import { flag, rules, value } from './value-rules.js';

const scriptOptions = { '--interpreter': value(rules.path), '--erroronfail': flag(), '--log': value(rules.path), '--logfile': value(rules.path) };
const noArgs = { min: 0, max: 0, describe: 'no arguments' };

/** Kickstart sections: each starts with its header line and ends with %end. */
export const sectionTable: Readonly<Record<string, SectionSpec>> = {
  '%packages': {
    options: {
      '--default': flag(), '--excludedocs': flag(), '--ignoremissing': flag(), '--nocore': flag(), '--multilib': flag(),
      '--inst-langs': value(rules.list), '--instLangs': value(rules.list), '--exclude-weakdeps': flag(), '--excludeWeakdeps': flag(),
      '--timeout': value(rules.number), '--retries': value(rules.number), '--ignorebroken': flag(),
    },
    args: noArgs,
  },
  '%pre': { options: scriptOptions, args: noArgs },
  '%pre-install': { options: scriptOptions, args: noArgs },
  '%post': { options: { ...scriptOptions, '--nochroot': flag() }, args: noArgs },
  '%onerror': { options: scriptOptions, args: noArgs },
  '%addon': { options: {}, args: { min: 1, max: 1, describe: 'an add-on name' }, unchecked: true },
};

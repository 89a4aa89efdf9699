import type { OptionSpec, SectionSpec } from './syntax-types.js';
import { flag, rhel9AndFedora, rules, sinceRhel10, sinceRhel9, value } from './value-rules.js';

const noArgs = { min: 0, max: 0, describe: 'no arguments' };
const scriptOptions: Readonly<Record<string, OptionSpec>> = {
  '--interpreter': value(rules.path),
  '--erroronfail': flag(),
  '--log': value(rules.path),
  '--logfile': value(rules.path),
};
const script: SectionSpec = { options: scriptOptions, args: noArgs };

/**
 * The camelCase %packages spellings: the only ones RHEL 8's parser knows (PR #400 gated the dashed
 * ones at F32), a deprecation warning from F32 on, gone on RHEL 10 (PR #494), deprecated in F40 (PR #475).
 */
const camelCase = (instead: string) => ({ deprecated: rhel9AndFedora, removed: ['rhel10'], instead }) as const;
const dashed = (instead: string) => ({ only: sinceRhel9, instead }) as const;
const everywhereRemoved = { removed: ['rhel8', 'rhel9', 'rhel10', 'fedora42', 'fedora43'] } as const;

/** Kickstart sections (pykickstart/sections.py): each starts with its header line and ends with %end. */
export const sectionTable: Readonly<Record<string, SectionSpec>> = {
  '%packages': {
    options: {
      '--default': flag(), '--excludedocs': flag(), '--ignoremissing': flag(), '--nocore': flag(), '--multilib': flag(),
      '--timeout': value(rules.number), '--retries': value(rules.number),
      '--instLangs': value(undefined, camelCase('--inst-langs')), '--inst-langs': value(undefined, dashed('--instLangs')),
      '--excludeWeakdeps': flag(camelCase('--exclude-weakdeps')), '--exclude-weakdeps': flag(dashed('--excludeWeakdeps')),
      // PackageSection adds --ignorebroken only from F32.
      '--ignorebroken': flag({ only: sinceRhel9 }),
      // Removed in F9 (--resolvedeps, --ignoredeps) and F22 (--nobase).
      '--nobase': flag(everywhereRemoved), '--resolvedeps': flag(everywhereRemoved), '--ignoredeps': flag(everywhereRemoved),
    },
    args: noArgs,
    refine: (line) => (line.options.has('--default') && line.options.has('--nocore') ? '--default and --nocore cannot be used together' : undefined),
  },
  '%pre': script,
  '%pre-install': script,
  '%post': { options: { ...scriptOptions, '--nochroot': flag() }, args: noArgs },
  '%onerror': script,
  '%traceback': script,
  '%addon': { options: {}, args: { min: 1, max: Infinity, describe: 'an add-on name' }, unchecked: true },
  '%certificate': { only: sinceRhel10, options: { '--filename': value(rules.word), '--dir': value(rules.path) }, args: noArgs },
};


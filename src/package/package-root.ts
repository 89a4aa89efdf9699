import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The rootcast package directory (package.json beside templates/, kickstart/, boot/, dist/), found by
 * walking up from a module: the same code runs from src/ (vitest), dist/src/ (tsc) and dist/rootcast.mjs (the bundle).
 */
export const findPackageRoot = (moduleUrl: string = import.meta.url): string => {
  const start = dirname(fileURLToPath(moduleUrl));
  for (let directory = start; ; directory = dirname(directory)) {
    if (existsSync(join(directory, 'package.json')) && existsSync(join(directory, 'templates'))) return directory;
    if (dirname(directory) === directory) throw new Error(`no rootcast package directory above ${start}`);
  }
};

/** A file shipped with rootcast, e.g. packageFile('boot', 'bootstrap.sh'). */
export const packageFile = (...parts: string[]): string => join(findPackageRoot(), ...parts);

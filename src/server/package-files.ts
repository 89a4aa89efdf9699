import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The rootcast package directory (the one holding templates/, boot/, dist/), found by walking up from this
 * module: it runs from src/server (vitest) and from dist/src/server (the built CLI).
 */
export const findPackageRoot = (from: string = import.meta.dirname): string => {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'templates'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no rootcast package directory above ${from}`);
    dir = parent;
  }
  return dir;
};

export const packageFile = (...parts: string[]): string => join(findPackageRoot(), ...parts);

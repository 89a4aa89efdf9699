import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root (holding templates/ and kickstart/), found by walking up from a module's URL,
 * so the same code works from src/ under vitest and from dist/src/ when built.
 */
export const findAssetRoot = (moduleUrl: string): string => {
  let directory = dirname(fileURLToPath(moduleUrl));
  for (;;) {
    if (existsSync(join(directory, 'package.json')) && existsSync(join(directory, 'templates'))) return directory;
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`no package root with templates/ above ${fileURLToPath(moduleUrl)}`);
    directory = parent;
  }
};

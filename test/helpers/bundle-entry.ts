import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

const repo = join(import.meta.dirname, '../..');

export interface TestBundle {
  file: string;
  remove(): Promise<void>;
}

/**
 * Bundles a TypeScript entry point from source so a test can run it as its own process (to kill it,
 * or put it in a namespace). The file goes under dist/ of this package, so templates/ and node_modules
 * are found the way the shipped dist/rootcast.mjs finds them; npm packages stay external.
 */
export const bundleEntry = async (entry: string): Promise<TestBundle> => {
  const file = join(repo, 'dist/test-bundles', `${randomBytes(6).toString('hex')}.mjs`);
  await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  return { file, remove: () => rm(file, { force: true }) };
};

/** The rootcast CLI bundled from the current source. */
export const bundleCli = (): Promise<TestBundle> => bundleEntry(join(repo, 'src/cli/bin.ts'));

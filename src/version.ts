import { existsSync, readFileSync } from 'node:fs';

// From src/version.ts (vitest, in-process runCli) package.json is one level up; from dist/src/version.js two.
const packageJsonUrl = [new URL('../package.json', import.meta.url), new URL('../../package.json', import.meta.url)].find((url) =>
  existsSync(url),
);
const packageJson = JSON.parse(readFileSync(packageJsonUrl ?? new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** The running rootcast's version, recorded in every manifest. */
export const rootcastVersion: string = packageJson.version;

import { readFileSync } from 'node:fs';

const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

/** The running rootcast's version, recorded in every manifest. */
export const rootcastVersion: string = packageJson.version;

import { readFileSync } from 'node:fs';
import { packageFile } from './package-root.js';

/** The running rootcast's version, recorded in every manifest. */
export const rootcastVersion: string = (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;

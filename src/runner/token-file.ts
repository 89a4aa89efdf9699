import { readFile } from 'node:fs/promises';
import { RootcastError } from '../errors/rootcast-error.js';
import type { RawRunnerOptions } from './option-table.js';

/**
 * Reads `--token-file` into the raw options (the token then never appears on any argv: bootstrap's
 * chroot mode writes it to a 0600 file in its 0700 work dir, since `env -i` cannot inherit it).
 */
export const readTokenFile = async (raw: RawRunnerOptions): Promise<RawRunnerOptions> => {
  if (raw.tokenFile === undefined) return raw;
  if (raw.token !== undefined) {
    throw new RootcastError('USAGE', 'give the install token once: --token or --token-file, not both');
  }
  let text: string;
  try {
    text = await readFile(raw.tokenFile, 'utf8');
  } catch (error) {
    throw new RootcastError('NOT_FOUND', `cannot read the token file ${raw.tokenFile}: ${(error as Error).message}`, {
      hint: 'pass the file bootstrap.sh wrote, or the token in $ROOTCAST_TOKEN',
    });
  }
  return { ...raw, token: text.trim() };
};

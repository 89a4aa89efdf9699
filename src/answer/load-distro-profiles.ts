import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RootcastError } from '../errors/rootcast-error.js';
import type { DistroCatalog } from './distro-profile.js';
import { parseDistroProfiles } from './parse-distro-profiles.js';

/** Reads and validates every kickstart/*.yaml profile; any bad file fails the whole load with every problem listed. */
export const loadDistroProfiles = async (directory: string): Promise<DistroCatalog> => {
  const names = (await readdir(directory)).filter((name) => /\.ya?ml$/.test(name)).sort();
  const files = await Promise.all(
    names.map(async (name) => ({ path: join(directory, name), text: await readFile(join(directory, name), 'utf8') })),
  );
  const parsed = parseDistroProfiles(files);
  if (!parsed.ok) {
    throw new RootcastError('INVALID_DATA', `the distro profiles in ${directory} are invalid`, {
      details: parsed.problems,
      hint: 'fix the listed files (see docs/answer-files.md for the profile fields)',
    });
  }
  return parsed.catalog;
};

import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RootcastError } from '../errors/rootcast-error.js';
import type { DistroCatalog } from './distro-profile.js';
import { parseDistroProfiles } from './parse-distro-profiles.js';

const profileNames = (names: readonly string[]): string[] => names.filter((name) => /\.ya?ml$/.test(name)).sort();

const catalogOf = (directory: string, files: { path: string; text: string }[]): DistroCatalog => {
  const parsed = parseDistroProfiles(files);
  if (!parsed.ok) {
    throw new RootcastError('INVALID_DATA', `the distro profiles in ${directory} are invalid`, {
      details: parsed.problems,
      hint: 'fix the listed files (see docs/answer-files.md for the profile fields)',
    });
  }
  return parsed.catalog;
};

/** Reads and validates every kickstart/*.yaml profile; any bad file fails the whole load with every problem listed. */
export const loadDistroProfiles = async (directory: string): Promise<DistroCatalog> => {
  const names = profileNames(await readdir(directory));
  const files = await Promise.all(
    names.map(async (name) => ({ path: join(directory, name), text: await readFile(join(directory, name), 'utf8') })),
  );
  return catalogOf(directory, files);
};

/** The same, synchronously: for --help text, which commander builds without awaiting anything. */
export const loadDistroProfilesSync = (directory: string): DistroCatalog =>
  catalogOf(directory, profileNames(readdirSync(directory)).map((name) => ({ path: join(directory, name), text: readFileSync(join(directory, name), 'utf8') })));

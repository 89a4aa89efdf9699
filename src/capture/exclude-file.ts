import { readFile } from 'node:fs/promises';
import { RootcastError } from '../errors/rootcast-error.js';

/** Why one line of an exclude file cannot be a pattern, or undefined when it can. */
const lineProblem = (line: string): string | undefined => {
  if (line.includes('\0')) return 'contains a NUL byte (is this a binary file?)';
  if (/^[+-] /.test(line) || /^[+-],/.test(line)) return 'looks like an rsync filter rule ("- PATTERN"); write just the pattern';
  if (line.length > 4096) return 'is longer than 4096 characters';
  return undefined;
};

/** Turns an exclude file into patterns: one per line, blank lines and "#" comments skipped; every bad line reported at once. */
export const parseExcludeFile = (text: string, file: string): string[] => {
  const patterns: string[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const problem = lineProblem(line);
    if (problem === undefined) patterns.push(line);
    else problems.push(`${file}:${index + 1}: ${problem}`);
  });
  if (problems.length > 0) {
    throw new RootcastError('INVALID_DATA', `exclude file ${file} has ${problems.length} invalid line(s)`, {
      details: problems,
      hint: 'one rsync pattern per line, e.g. /var/log/* or *.pyc; "#" starts a comment',
    });
  }
  return patterns;
};

/** Reads --exclude-file (missing → 66, a directory → 64, bad lines → 65). */
export const readExcludeFile = async (file: string): Promise<string[]> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new RootcastError('NOT_FOUND', `exclude file ${file} does not exist`, { hint: 'check the path given to --exclude-file' });
    }
    if (code === 'EISDIR') {
      throw new RootcastError('USAGE', `--exclude-file ${file} is a directory, not a file`, {
        hint: 'pass a text file with one pattern per line',
      });
    }
    throw new RootcastError('PERMISSION', `cannot read exclude file ${file}: ${(error as Error).message}`);
  }
  return parseExcludeFile(text, file);
};

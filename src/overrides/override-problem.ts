import { RootcastError } from '../errors/rootcast-error.js';

/** One thing wrong with the override layers, located by file (and line, for templates). */
export interface OverrideProblem {
  /** Absolute path of the layer file or directory. */
  file: string;
  line?: number;
  message: string;
}

/** `/var/lib/rootcast/overrides/all/etc/motd.hbs:3: unknown variable host.ip` */
export const formatOverrideProblem = (problem: OverrideProblem): string =>
  `${problem.file}${problem.line === undefined ? '' : `:${problem.line}`}: ${problem.message}`;

/** Every problem at once, as the INVALID_DATA (65) error a command reports before it writes anything. */
export const overrideProblemsError = (subject: string, problems: readonly OverrideProblem[]): RootcastError =>
  new RootcastError('INVALID_DATA', `the override layers of ${subject} have ${problems.length} problem${problems.length === 1 ? '' : 's'}`, {
    details: problems.map(formatOverrideProblem),
    hint: 'fix the files named above (layout, whiteouts and templates: docs/overrides.md); nothing was written',
  });

/** Throws the collected problems, if any. */
export const assertNoOverrideProblems = (subject: string, problems: readonly OverrideProblem[]): void => {
  if (problems.length > 0) throw overrideProblemsError(subject, problems);
};

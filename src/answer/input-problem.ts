/** One thing wrong with an answer-file input, located by its path (`install.partitioning.partitions[2].size`). */
export interface InputProblem {
  path: string;
  message: string;
}

export const formatInputProblem = (problem: InputProblem): string => `${problem.path}: ${problem.message}`;

/** Collects problems under a common path prefix, so validators stay short. */
export interface ProblemSink {
  add(path: string, message: string): void;
  readonly problems: InputProblem[];
}

export const createProblemSink = (): ProblemSink => {
  const problems: InputProblem[] = [];
  return { problems, add: (path, message) => problems.push({ path, message }) };
};

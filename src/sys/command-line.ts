const safeWord = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one argument for a POSIX shell (used for display and for remote `sh -c` commands). */
export const quoteShellWord = (word: string): string =>
  word !== '' && safeWord.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;

export const formatCommandLine = (command: string, args: readonly string[]): string =>
  [command, ...args].map(quoteShellWord).join(' ');

export type TokenizeResult = { ok: true; tokens: string[] } | { ok: false; problem: string };

/**
 * Splits one kickstart line the way Anaconda does (POSIX shell-like words): whitespace separates,
 * '...' is literal, "..." allows \" and \\, a backslash escapes the next character, and a word
 * starting with # begins a comment.
 */
export const tokenizeKickstartLine = (line: string): TokenizeResult => {
  const tokens: string[] = [];
  let current = '';
  let inWord = false;
  let index = 0;
  while (index < line.length) {
    const char = line[index] ?? '';
    if (/\s/.test(char)) {
      if (inWord) tokens.push(current);
      current = '';
      inWord = false;
      index += 1;
      continue;
    }
    if (char === '#' && !inWord) break;
    inWord = true;
    if (char === "'") {
      const end = line.indexOf("'", index + 1);
      if (end === -1) return { ok: false, problem: 'unterminated single quote' };
      current += line.slice(index + 1, end);
      index = end + 1;
      continue;
    }
    if (char === '"') {
      index += 1;
      let closed = false;
      while (index < line.length) {
        const inner = line[index] ?? '';
        if (inner === '"') {
          closed = true;
          index += 1;
          break;
        }
        if (inner === '\\' && (line[index + 1] === '"' || line[index + 1] === '\\')) {
          current += line[index + 1];
          index += 2;
          continue;
        }
        current += inner;
        index += 1;
      }
      if (!closed) return { ok: false, problem: 'unterminated double quote' };
      continue;
    }
    if (char === '\\' && index + 1 < line.length) {
      current += line[index + 1];
      index += 2;
      continue;
    }
    current += char;
    index += 1;
  }
  if (inWord) tokens.push(current);
  return { ok: true, tokens };
};

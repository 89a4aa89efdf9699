import type { InventoryIssue, PathSegment } from './issue.js';

// Every C0 control (tab and newline included) and DEL: values end up on one line of answer files and configs.
const controlCharacter = /[\u0000-\u001f\u007f]/;

const names: Record<number, string> = { 0x09: 'tab', 0x0a: 'line feed', 0x0d: 'carriage return', 0x00: 'NUL', 0x1b: 'escape', 0x7f: 'delete' };

/** Why `text` cannot be written into rootcast's files, or undefined when it can. */
export const controlCharacterProblem = (text: string): string | undefined => {
  const found = controlCharacter.exec(text);
  if (found === null) return undefined;
  const code = found[0].charCodeAt(0);
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `contains a control character (${names[code] === undefined ? hex : `${names[code]}, ${hex}`}); values are written on one line into answer files and configs, so keep them to one line of printable text`;
};

/** Every key and string value of the document (vars, descriptions, install settings...) that holds a control character. */
export const controlCharacterIssues = (root: unknown): InventoryIssue[] => {
  const issues: InventoryIssue[] = [];
  const visit = (value: unknown, path: readonly PathSegment[]): void => {
    if (typeof value === 'string') {
      const problem = controlCharacterProblem(value);
      if (problem !== undefined) issues.push({ severity: 'error', path, message: problem });
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, [...path, index]));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        const problem = controlCharacterProblem(key);
        if (problem !== undefined) issues.push({ severity: 'error', path: [...path, key], message: `the key ${JSON.stringify(key)} ${problem}` });
        visit(item, [...path, key]);
      }
    }
  };
  visit(root, []);
  return issues;
};

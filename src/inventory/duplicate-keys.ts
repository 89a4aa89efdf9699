import { isAlias, isMap, isPair, isSeq, type Node } from 'yaml';
import type { InventoryIssue, PathSegment } from './issue.js';
import { keyText, lineAt, type InventorySource } from './source.js';

/**
 * Every key written twice in one map, at any depth, as an error at the later one naming the earlier
 * line. The parser keeps the later value (toJS), so the rest of validation still runs on the file.
 */
export const duplicateKeyIssues = (source: InventorySource): InventoryIssue[] => {
  const issues: InventoryIssue[] = [];
  const visit = (node: unknown, path: readonly PathSegment[]): void => {
    if (isAlias(node)) return;
    if (isSeq(node)) node.items.forEach((item, index) => visit(item, [...path, index]));
    if (!isMap(node)) return;
    const firstLines = new Map<string, number | undefined>();
    for (const item of node.items) {
      if (!isPair(item)) continue;
      const key = keyText(item.key);
      const line = lineAt(source, item.key as Node | null);
      if (firstLines.has(key)) {
        const first = firstLines.get(key);
        issues.push({
          severity: 'error',
          path: [...path, key],
          ...(line === undefined ? {} : { line }),
          message: `duplicate key "${key}"${first === undefined ? '' : ` (also at line ${first})`}: YAML keys must be unique; only this later one would count, so merge or rename the two`,
        });
      } else firstLines.set(key, line);
      visit(item.value, [...path, key]);
    }
  };
  visit(source.doc.contents, []);
  return issues;
};

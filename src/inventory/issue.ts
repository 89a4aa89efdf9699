/** One step of a path into the inventory document: a map key or a list index. */
export type PathSegment = string | number;
export type IssuePath = readonly PathSegment[];

export type IssueSeverity = 'error' | 'warning';

/** A problem found in the inventory, located by its path and (when known) its line in the file. */
export interface InventoryIssue {
  severity: IssueSeverity;
  path: IssuePath;
  line?: number;
  message: string;
}

/** What validation returns instead of throwing: every problem at once. */
export interface InventoryReport {
  errors: InventoryIssue[];
  warnings: InventoryIssue[];
}

// Keys with dots, spaces, quotes or control characters are quoted (JSON escapes) so the path stays unambiguous and printable; brackets of range keys are kept.
const plainKey = /^[^.\s"\u0000-\u001f\u007f]+$/;

/** `hosts.web07.mac`, `hosts.web07.macs[1]`, `hosts."a b"`; range keys keep their brackets: `hosts.web[01-03]`. */
export const formatIssuePath = (path: IssuePath): string => {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else {
      const key = plainKey.test(segment) ? segment : JSON.stringify(segment);
      text += text === '' ? key : `.${key}`;
    }
  }
  return text;
};

/** `hosts.db01 (line 5)`: how one issue refers to another entry. */
export const formatPlace = (path: IssuePath, line: number | undefined): string => {
  const where = formatIssuePath(path);
  if (line === undefined) return where;
  return where === '' ? `line ${line}` : `${where} (line ${line})`;
};

/** `hosts.web07.mac (line 42): "52:54:00:zz" is not a MAC address` */
export const formatIssue = (issue: InventoryIssue): string => {
  const place = formatPlace(issue.path, issue.line);
  return place === '' ? issue.message : `${place}: ${issue.message}`;
};

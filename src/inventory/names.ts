import { imageNameProblem } from '../image/name.js';

// RFC 1123 label, lowercase only so two spellings of one host cannot both exist.
const hostLabel = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
// Vars are read by templates as {{vars.name}}, so they must be plain identifiers.
const varName = /^[A-Za-z_][A-Za-z0-9_]*$/;
// The kernel's dev_valid_name bounds it: 1-15 bytes (IFNAMSIZ is 16 with the NUL), not "." or "..", no "/", ":"
// (an alias label such as eth0:1 is not an interface) or whitespace. Within that, only characters every config
// file and command line takes as they are, and no leading "-" (ip and dnsmasq would read an option).
const interfaceName = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}$/;

/** Why `name` cannot be a host name (an RFC 1123 DNS label), or undefined when it can. */
export const hostNameProblem = (name: string): string | undefined => {
  if (name === '') return 'host name is empty';
  if (name.length > 63) return `host name "${name}" is longer than 63 characters`;
  if (!hostLabel.test(name)) {
    return `host name "${name}" is not a DNS label (a-z, 0-9 and "-", not starting or ending with "-")`;
  }
  return undefined;
};

/** Why `name` cannot name a group or network, or undefined when it can: they name override directories (overrides/group/<g>), so the image-name rule. */
export const entityNameProblem = (kind: 'group' | 'network', name: string): string | undefined => {
  if (imageNameProblem(name) !== undefined) {
    return `${kind} name "${name}" must be 1-63 characters of a-z, 0-9, ".", "_", "-", starting with a letter or digit`;
  }
  return undefined;
};

export const varNameProblem = (name: string): string | undefined =>
  varName.test(name) ? undefined : `var name "${name}" must be letters, digits and "_", not starting with a digit`;

/** Why `name` cannot name a network interface, or undefined when it can. */
export const interfaceNameProblem = (name: string): string | undefined =>
  interfaceName.test(name) && name !== '.' && name !== '..'
    ? undefined
    : `"${name}" is not a network interface name (1-15 characters of letters, digits, "_", "." and "-")`;

/** Why `domain` cannot be a DNS domain (dot-separated RFC 1123 labels, at most 253 characters). */
export const domainProblem = (domain: string): string | undefined => {
  const labels = domain.split('.');
  if (domain.length > 253 || labels.some((label) => !hostLabel.test(label))) {
    return `"${domain}" is not a DNS domain (lowercase labels of a-z, 0-9 and "-", separated by ".")`;
  }
  return undefined;
};

/** The known word closest to `word` (edit distance at most 2), to suggest for a typo. */
export const closestWord = (word: string, known: readonly string[]): string | undefined => {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
};

const editDistance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
};

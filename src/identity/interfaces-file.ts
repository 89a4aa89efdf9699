import { globMayNameEthernet, globRegExp } from './ethernet-match.js';

export const interfacesPath = 'etc/network/interfaces';
export const interfacesDir = 'etc/network/interfaces.d';
/** A plain name: `source-directory` only reads files named like run-parts does (letters, digits, `_`, `-`). */
export const ifupdownFilePath = `${interfacesDir}/rootcast`;

const stanzaKeywords = /^(iface|mapping|auto|allow-\S+|source|source-directory|no-auto-down|no-scripts|rename)$/;

/** The interfaces(5) text without the stanzas of Ethernet cards, and the names it dropped. */
export interface InterfacesFilter {
  text: string;
  dropped: string[];
}

/**
 * Drops every `iface`/`mapping` stanza (with its option lines) for a card that may be Ethernet, and
 * those names from `auto`/`allow-*` lines; `lo`, bridges, bonds, comments and `source` lines stay.
 */
export const dropEthernetStanzas = (text: string, ownNames: readonly string[]): InterfacesFilter => {
  const isEthernet = (name: string): boolean => name !== 'lo' && globMayNameEthernet(name, ownNames);
  const dropped = new Set<string>();
  const kept: string[] = [];
  let dropping = false;
  // The comment right above a stanza describes it ("# The primary network interface"): it goes with it.
  const dropLine = (): void => {
    while (kept.length > 0 && (kept.at(-1) as string).trim().startsWith('#')) kept.pop();
  };
  for (const line of text.split('\n')) {
    const words = line.trim().split(/\s+/);
    const keyword = words[0] ?? '';
    const indented = /^\s/.test(line);
    if (line.trim() === '' || (keyword.startsWith('#') && !indented)) {
      kept.push(line);
      continue;
    }
    if (!stanzaKeywords.test(keyword)) {
      if (!dropping) kept.push(line);
      continue;
    }
    dropping = false;
    const names = words.slice(1);
    if (keyword === 'iface' || keyword === 'mapping') {
      const ethernet = keyword === 'iface' ? isEthernet(names[0] ?? '') : names.some(isEthernet);
      if (ethernet) {
        dropping = true;
        dropLine();
        names.slice(0, keyword === 'iface' ? 1 : undefined).forEach((name) => dropped.add(name));
        continue;
      }
      kept.push(line);
    } else if (keyword === 'auto' || keyword.startsWith('allow-') || keyword === 'no-auto-down' || keyword === 'no-scripts') {
      const rest = names.filter((name) => !isEthernet(name));
      names.filter(isEthernet).forEach((name) => dropped.add(name));
      if (rest.length === names.length) kept.push(line);
      else if (rest.length > 0) kept.push(`${keyword} ${rest.join(' ')}`);
      else dropLine();
    } else {
      kept.push(line);
    }
  }
  // Dropped stanzas leave their blank separators behind: keep at most one blank line in a row.
  const joined = kept.join('\n').replace(/\n{3,}/g, '\n\n').replace(/\n\n$/, '\n');
  return { text: dropped.size === 0 ? text : joined, dropped: [...dropped] };
};

/** Whether the main interfaces file already reads `interfaces.d/rootcast` (`source` glob or `source-directory`). */
export const sourcesRootcastFile = (text: string): boolean =>
  text.split('\n').some((line) => {
    const [keyword, target] = line.trim().split(/\s+/);
    if (target === undefined) return false;
    const absolute = target.startsWith('/') ? target : `/etc/network/${target}`;
    if (keyword === 'source') return globRegExp(absolute).test(`/${ifupdownFilePath}`);
    return keyword === 'source-directory' && absolute.replace(/\/+$/, '') === `/${interfacesDir}`;
  });

/** True when nothing but comments and blank lines is left. */
export const hasNoStanzas = (text: string): boolean => text.split('\n').every((line) => line.trim() === '' || line.trim().startsWith('#'));

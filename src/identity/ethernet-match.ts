/** Shell-style glob (`*`, `?`, `[...]`) as a RegExp, the way systemd and netplan match interface names. */
export const globRegExp = (glob: string): RegExp => {
  let source = '';
  for (let index = 0; index < glob.length; index += 1) {
    const char = glob[index] as string;
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '[') {
      const end = glob.indexOf(']', index + 2);
      if (end === -1) source += '\\[';
      else {
        source += `[${glob.slice(index + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        index = end;
      }
    } else source += char.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
};

// Kernel names (eth0) and systemd's predictable names (enp1s0, ens3, eno1, enx…) of Ethernet cards.
const ethernetPrefixes = ['en', 'eth'];

/** Whether a name glob could match an Ethernet card: one of the names rootcast gives, or a name starting en or eth. */
export const globMayNameEthernet = (glob: string, ownNames: readonly string[]): boolean => {
  if (ownNames.some((name) => globRegExp(glob).test(name))) return true;
  const literal = /^[^*?[]*/.exec(glob)?.[0] ?? '';
  const wildcard = literal.length < glob.length;
  return ethernetPrefixes.some((prefix) => literal.startsWith(prefix) || (wildcard && prefix.startsWith(literal)));
};

/**
 * systemd's `Name=` list: whitespace-separated globs, the whole list inverted by a leading `!`.
 * An inverted list matches nearly everything, so it counts as matching Ethernet.
 */
export const nameListMayMatchEthernet = (list: string, ownNames: readonly string[]): boolean => {
  const trimmed = list.trim();
  if (trimmed.startsWith('!')) return true;
  return trimmed.split(/\s+/).some((glob) => globMayNameEthernet(glob, ownNames));
};

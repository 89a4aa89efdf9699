/** One `[section]` of an INI-style file (systemd units, .network/.link files, NetworkManager keyfiles). */
export interface IniSection {
  name: string;
  /** In file order; systemd allows a key more than once. */
  entries: [string, string][];
}

/** Reads sections and `key=value` lines; comments (`#`, `;`) and anything unparseable are skipped. */
export const parseIni = (text: string): IniSection[] => {
  const sections: IniSection[] = [];
  let current: IniSection | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header !== null) {
      current = { name: header[1] ?? '', entries: [] };
      sections.push(current);
      continue;
    }
    const equals = line.indexOf('=');
    if (current !== undefined && equals > 0) current.entries.push([line.slice(0, equals).trim(), line.slice(equals + 1).trim()]);
  }
  return sections;
};

/** Every value of `key` in every section called `section`, in file order. */
export const iniValues = (sections: readonly IniSection[], section: string, key: string): string[] =>
  sections.filter((entry) => entry.name === section).flatMap((entry) => entry.entries.filter(([name]) => name === key).map(([, value]) => value));

/** The last value of `key` in `section` (later lines win), if any. */
export const iniValue = (sections: readonly IniSection[], section: string, key: string): string | undefined => iniValues(sections, section, key).at(-1);

/** Writes a comment header, then the sections that have entries, a blank line between blocks. */
export const formatIni = (header: readonly string[], sections: readonly IniSection[]): string => {
  const blocks = sections
    .filter((section) => section.entries.length > 0)
    .map((section) => [`[${section.name}]`, ...section.entries.map(([key, value]) => `${key}=${value}`)].join('\n'));
  return `${[header.map((line) => `# ${line}`).join('\n'), ...blocks].join('\n\n')}\n`;
};

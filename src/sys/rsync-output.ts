/**
 * rsync's per-file report lines, parsed. rsync (under LC_ALL=C) prints every byte it deems unprintable
 * in a name as `\#ooo` (octal), so one name is always one line of ASCII; names come back as raw bytes.
 */

/** `a\#012b` → the bytes "a\nb"; a `\#` not followed by three octal digits is literal (rsync leaves it so). */
export const decodeRsyncName = (text: string): Buffer => {
  const parts: Buffer[] = [];
  let last = 0;
  for (const match of text.matchAll(/\\#([0-7]{3})/g)) {
    parts.push(Buffer.from(text.slice(last, match.index), 'utf8'), Buffer.from([Number.parseInt(match[1] as string, 8)]));
    last = match.index + match[0].length;
  }
  parts.push(Buffer.from(text.slice(last), 'utf8'));
  return Buffer.concat(parts);
};

const enoent = ': No such file or directory \\(2\\)$';

/**
 * How the sender reports a file it listed that was gone when it came to read it. `file has vanished`
 * (exit 24) names it absolutely; with -A/-X the ACL or xattr read may come first and fail instead, which
 * rsync counts as an error (exit 23): get_acl names the file relative to the transfer root.
 */
const vanishedLines: readonly RegExp[] = [
  /^file has vanished: "(.*)"(?: \(in [^)]*\))?$/,
  new RegExp(`^rsync: \\[sender\\] get_acl: sys_acl_get_file\\((.*), ACL_TYPE_[A-Z]+\\)${enoent}`),
  new RegExp(`^rsync: \\[sender\\] get_xattr_names: llistxattr\\("(.*)",\\d+\\) failed${enoent}`),
  new RegExp(`^rsync: \\[sender\\] get_xattr_data: lgetxattr\\("(.*)","[^"]*",\\d+\\) failed${enoent}`),
];

// rsync's closing lines for exit 24 and 23; the latter says nothing by itself ("see previous errors").
const summaryLine = /^rsync (warning: some files vanished before they could be transferred \(code 24\)|error: some files\/attrs were not transferred \(see previous errors\) \(code 23\)) at /;

const vanishedName = (line: string): string | undefined => {
  for (const pattern of vanishedLines) {
    const name = pattern.exec(line)?.[1];
    if (name !== undefined) return name;
  }
  return undefined;
};

/** A path given on stdin (--files-from) that is gone when the sender looks it up: absolute, as the sender names it. */
const missingArgLine = new RegExp(`^rsync: \\[sender\\] link_stat "(.*)" failed${enoent}`);

/** Sender paths of the files reported vanished, as rsync printed them: absolute, or relative to the transfer root. */
export const parseVanishedPaths = (stderr: string): Buffer[] =>
  stderr.split('\n').flatMap((line) => {
    const name = vanishedName(line);
    return name === undefined ? [] : [decodeRsyncName(name)];
  });

/** Sender paths of listed paths (--files-from) that no longer existed: gone between our listing and this run. */
export const parseMissingListedPaths = (stderr: string): Buffer[] =>
  stderr.split('\n').flatMap((line) => {
    const name = missingArgLine.exec(line)?.[1];
    return name === undefined ? [] : [decodeRsyncName(name)];
  });

export interface VanishedReportOptions {
  /** The paths came on stdin from an earlier listing: one that is gone by now vanished too. @default false */
  listedPaths?: boolean;
}

/** Whether every line of rsync's stderr is about a vanished file (so its exit 23 means no more than 24 would). */
export const reportsOnlyVanishedFiles = (stderr: string, options: VanishedReportOptions = {}): boolean =>
  stderr
    .split('\n')
    .every((line) => line === '' || summaryLine.test(line) || vanishedName(line) !== undefined || (options.listedPaths === true && missingArgLine.test(line)));

// `>f..t...... etc/app.conf` (out-format "%i %n"): 11 flag characters, a space, the name relative to the transfer root.
const itemizeFlagsLength = 11;

/** One line of an itemized run: what rsync did (or, with --dry-run, would do) to one name. */
export interface ItemizedChange {
  /** `>` received, `c` created locally, `h` hard link, `.` attributes only, `*` deleted. */
  update: string;
  /** `f` file, `d` directory, `L` symlink, `D` device, `S` special ("" for a deletion). */
  type: string;
  /** Not in the destination before (`+++++++++`). */
  created: boolean;
  name: Buffer;
}

/** Parses `--out-format=%i %n` lines; the --stats block and anything else are skipped. */
export const parseItemizedChanges = (stdout: string): ItemizedChange[] =>
  stdout.split('\n').flatMap((line) => {
    if (line.length <= itemizeFlagsLength + 1 || line[itemizeFlagsLength] !== ' ') return [];
    const flags = line.slice(0, itemizeFlagsLength);
    const name = decodeRsyncName(line.slice(itemizeFlagsLength + 1));
    if (flags.startsWith('*deleting')) return [{ update: '*', type: '', created: false, name }];
    if (!/^[<>ch.][fdLDS][ .+?a-zA-Z]{9}$/.test(flags)) return [];
    return [{ update: flags[0] as string, type: flags[1] as string, created: flags.slice(2) === '+'.repeat(9), name }];
  });

/** One line of `--out-format=%l %i %n`: the sender's size of the item (0 for a deletion), then the itemized change. */
export interface SizedChange extends ItemizedChange {
  size: number;
}

/** Parses `--out-format=%l %i %n` lines (the update's itemized passes); anything else is skipped. */
export const parseSizedItemizedChanges = (stdout: string): SizedChange[] =>
  stdout.split('\n').flatMap((line) => {
    const size = /^(\d+) /.exec(line);
    if (size === null) return [];
    return parseItemizedChanges(line.slice(size[0].length)).map((change) => ({ ...change, size: Number(size[1]) }));
  });

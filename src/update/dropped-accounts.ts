/** An account line of /etc/passwd: name and uid. */
export interface Account {
  name: string;
  uid: number;
}

/** Pure: the accounts of a passwd file (comments, blank and NIS `+`/`-` lines skipped). */
export const parsePasswdAccounts = (text: string): Account[] =>
  text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#') && !line.startsWith('+') && !line.startsWith('-'))
    .map((line) => line.split(':'))
    .filter((fields) => fields.length >= 3 && /^\d+$/.test(fields[2] ?? ''))
    .map((fields) => ({ name: fields[0] as string, uid: Number(fields[2]) }));

/**
 * Pure: accounts the host had that the updated /etc/passwd lacks (added on the host, never in the image). The
 * image owns /etc/passwd like every file in /etc; the update says who went, since their files stay behind.
 */
export const droppedAccounts = (before: string, after: string): Account[] => {
  const kept = new Set(parsePasswdAccounts(after).map((account) => account.name));
  return parsePasswdAccounts(before).filter((account) => !kept.has(account.name));
};

/** An account both files have, under another uid. */
export interface RenumberedAccount {
  name: string;
  from: number;
  to: number;
}

/**
 * Pure: accounts whose uid the image changed (a golden client rebuilt, its system users numbered in another order).
 * The image's files carry the new uid; what the host keeps (a service's data under /var/lib) still has the old one.
 */
export const renumberedAccounts = (before: string, after: string): RenumberedAccount[] => {
  const next = new Map(parsePasswdAccounts(after).map((account) => [account.name, account.uid]));
  return parsePasswdAccounts(before).flatMap((account) => {
    const to = next.get(account.name);
    return to === undefined || to === account.uid ? [] : [{ name: account.name, from: account.uid, to }];
  });
};

/** The report's note for renumbered accounts (none: nothing to say). */
export const renumberedAccountsNote = (renumbered: readonly RenumberedAccount[]): string[] =>
  renumbered.length === 0
    ? []
    : [
        `the image gives ${renumbered.map((account) => `${account.name} uid ${account.to} (was ${account.from})`).join(', ')}: `
          + 'files this host kept (a service\'s data, users\' files) still belong to the old uid; chown them (find / -xdev -uid OLD -exec chown NEW {} +), or give the accounts their old uids on the golden client',
      ];

/** The report's note for dropped accounts (none: nothing to say). */
export const droppedAccountsNote = (dropped: readonly Account[]): string[] =>
  dropped.length === 0
    ? []
    : [
        `the image's /etc/passwd has no account ${dropped.map((account) => `${account.name} (uid ${account.uid})`).join(', ')}, which this host had: `
          + 'their files keep the numeric owner; add the accounts to the golden client and capture again, or list /etc/passwd, /etc/shadow, /etc/group and /etc/gshadow in /etc/rootcast/update.exclude to keep this host\'s own',
      ];

/**
 * Anaconda releases the kickstart checker knows, one column each in the syntax table, in pykickstart's
 * version order (RHEL8 sits between F28 and F29, RHEL9 is built on F34 classes, RHEL10 on F40 ones).
 */
export const kickstartDialects = ['rhel8', 'rhel9', 'rhel10', 'fedora42', 'fedora43'] as const;
export type KickstartDialect = (typeof kickstartDialects)[number];

export const isKickstartDialect = (value: string): value is KickstartDialect =>
  (kickstartDialects as readonly string[]).includes(value);


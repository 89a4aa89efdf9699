/**
 * Anaconda releases the kickstart checker knows, one column each in the syntax table, in pykickstart's
 * version order (RHEL8 sits between F28 and F29, RHEL9 is built on F34 classes, RHEL10 on F40 ones).
 */
export const kickstartDialects = ['rhel8', 'rhel9', 'rhel10', 'fedora42', 'fedora43'] as const;
export type KickstartDialect = (typeof kickstartDialects)[number];

export const isKickstartDialect = (value: string): value is KickstartDialect =>
  (kickstartDialects as readonly string[]).includes(value);

/** The pykickstart handler that parses each dialect's kickstarts, and the Fedora syntax it grew from. */
export const dialectHandlers: Readonly<Record<KickstartDialect, { handler: string; base: string }>> = {
  rhel8: { handler: 'RHEL8Handler', base: 'F28' },
  rhel9: { handler: 'RHEL9Handler', base: 'F34' },
  rhel10: { handler: 'RHEL10Handler', base: 'F40' },
  fedora42: { handler: 'F42Handler', base: 'F42' },
  fedora43: { handler: 'F43Handler', base: 'F43' },
};

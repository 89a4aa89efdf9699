/** Anaconda releases the kickstart checker knows, one column each in the syntax table. */
export const kickstartDialects = ['rhel8', 'rhel9', 'rhel10', 'fedora42', 'fedora43'] as const;
export type KickstartDialect = (typeof kickstartDialects)[number];

export const isKickstartDialect = (value: string): value is KickstartDialect =>
  (kickstartDialects as readonly string[]).includes(value);

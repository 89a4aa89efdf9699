import type { InstallTokenStatus } from './install-generation.js';

const stateText: Record<InstallTokenStatus['state'], (status: InstallTokenStatus) => string> = {
  usable: (status) => `usable until ${status.expiresAt ?? '-'}`,
  spent: () => 'spent (its install finished)',
  expired: (status) => `expired at ${status.expiresAt ?? '-'}`,
  revoked: () => 'revoked',
};

/** `host show` rows for the host's credentials (pure); never the secrets themselves. */
export const credentialRows = (token: InstallTokenStatus | undefined, credentialGeneration: number | undefined): [string, string][] => [
  ['token', token === undefined ? '- (no answer file issued)' : `install token generation ${token.generation}, ${stateText[token.state](token)} (issued ${token.issuedAt} by ${token.issuedBy})`],
  ['credential', credentialGeneration === undefined ? '- (enrolled at the end of a successful install)' : `generation ${credentialGeneration}`],
];

import type { HomePaths } from '../home/paths.js';
import { planInstallGeneration, type InstallGeneration } from './install-generation.js';
import { issueGeneration } from './install-generation-store.js';
import { loadServerSecret } from './server-secret.js';
import { deriveToken } from './token.js';

export interface IssueOptions {
  now: Date;
  lifetimeMs: number;
  /** Recorded with the generation: "serve to 10.0.0.7", "rootcast kickstart". */
  issuedBy: string;
}

export interface IssuedInstallToken {
  token: string;
  generation: InstallGeneration;
}

/** Issues the host's next install token; every earlier one stops working. */
export const issueInstallToken = async (paths: HomePaths, host: string, options: IssueOptions, secret?: Buffer): Promise<IssuedInstallToken> => {
  const key = secret ?? (await loadServerSecret(paths));
  const generation = await issueGeneration(paths, host, (number) => planInstallGeneration(number, 'token', options.now, options.lifetimeMs, options.issuedBy));
  return { token: deriveToken(key, 'install', host, generation.generation), generation };
};

/** Voids every install token of the host without issuing a new one (`rootcast host reinstall`). */
export const revokeInstallTokens = (paths: HomePaths, host: string, options: Omit<IssueOptions, 'lifetimeMs'>): Promise<InstallGeneration> =>
  issueGeneration(paths, host, (number) => planInstallGeneration(number, 'revocation', options.now, 0, options.issuedBy));

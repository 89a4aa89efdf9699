import { parseDuration } from './duration.js';
import { parseAddressOrSubnet, parseSubnet, type Subnet } from './ipv4.js';
import type { Inventory } from './types.js';

/** @default 24 hours: long enough for a slow install, short enough that a leaked answer file goes stale. */
export const defaultInstallTokenLifetimeMs = 24 * 60 * 60 * 1000;

/** Who may fetch answer files, which carry install tokens. */
export type AnswerFileClients =
  | { kind: 'any'; why: 'configured' | 'no-networks' }
  | { kind: 'subnets'; subnets: Subnet[]; from: 'server.answerFileClients' | 'networks' };

export interface InstallAccessPolicy {
  installTokenLifetimeMs: number;
  answerFileClients: AnswerFileClients;
}

const subnetsOf = (texts: readonly string[], parse: (text: string) => ReturnType<typeof parseSubnet>): Subnet[] =>
  texts.flatMap((text) => {
    const parsed = parse(text);
    return parsed.ok ? [parsed.subnet] : [];
  });

/** The install-time access rules of a validated inventory (pure); see docs/serve.md "Install credentials". */
export const installAccessPolicy = (inventory: Inventory): InstallAccessPolicy => {
  const lifetime = inventory.server?.installTokenLifetime === undefined ? undefined : parseDuration(inventory.server.installTokenLifetime);
  const configured = inventory.server?.answerFileClients;
  const networks = Object.values(inventory.networks).map((network) => network.subnet);
  const answerFileClients: AnswerFileClients =
    configured === 'any'
      ? { kind: 'any', why: 'configured' }
      : configured !== undefined
        ? { kind: 'subnets', subnets: subnetsOf(configured, parseAddressOrSubnet), from: 'server.answerFileClients' }
        : networks.length > 0
          ? { kind: 'subnets', subnets: subnetsOf(networks, parseSubnet), from: 'networks' }
          : { kind: 'any', why: 'no-networks' };
  return { installTokenLifetimeMs: lifetime?.ok === true ? lifetime.ms : defaultInstallTokenLifetimeMs, answerFileClients };
};

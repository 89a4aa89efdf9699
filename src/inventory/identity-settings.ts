import type { IdentitySettings } from './schema.js';

/** Linux accepts 68 (the IPv4 minimum) up to 65535. */
export const mtuProblem = (mtu: number): string | undefined =>
  Number.isInteger(mtu) && mtu >= 68 && mtu <= 65535 ? undefined : `MTU ${mtu} is not a whole number from 68 to 65535`;

export type NetworkMode = NonNullable<IdentitySettings['network']>;

/** The host's network mode: as set, else static when it has an address and a network to take prefix and gateway from, else dhcp. */
export const effectiveNetworkMode = (host: { ip?: string; network?: unknown; identity: IdentitySettings }): { mode: NetworkMode; defaulted: boolean } => {
  if (host.identity.network !== undefined) return { mode: host.identity.network, defaulted: false };
  return { mode: host.ip !== undefined && host.network !== undefined ? 'static' : 'dhcp', defaulted: true };
};

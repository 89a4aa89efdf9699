import type { IssuePath } from './issue.js';
import { domainProblem } from './names.js';
import { addError, itemPath, type NormaliseContext } from './normalise-context.js';
import type { IdentitySettings } from './schema.js';

// Linux refuses longer names (IFNAMSIZ is 16 with the terminating NUL); "/" and whitespace break sysfs and tools.
const interfaceName = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}$/;

/** Why `name` cannot name a network interface, or undefined when it can. */
export const interfaceNameProblem = (name: string): string | undefined =>
  interfaceName.test(name) && name !== '.' && name !== '..'
    ? undefined
    : `"${name}" is not a network interface name (1-15 characters of letters, digits, "_", "." and "-")`;

/** Linux accepts 68 (the IPv4 minimum) up to 65535. */
export const mtuProblem = (mtu: number): string | undefined =>
  Number.isInteger(mtu) && mtu >= 68 && mtu <= 65535 ? undefined : `MTU ${mtu} is not a whole number from 68 to 65535`;

/** Reports the bad values of an `identity:` block (its shape is the schema's), each at its own path. */
export const checkIdentity = (ctx: NormaliseContext, identity: IdentitySettings | undefined, path: IssuePath): void => {
  const at = [...path, 'identity'];
  const interfaceProblem = identity?.interface === undefined ? undefined : interfaceNameProblem(identity.interface);
  if (interfaceProblem !== undefined) addError(ctx, [...at, 'interface'], interfaceProblem);
  const mtu = identity?.mtu === undefined ? undefined : mtuProblem(identity.mtu);
  if (mtu !== undefined) addError(ctx, [...at, 'mtu'], mtu);
  identity?.searchDomains?.forEach((domain, index) => {
    const problem = domainProblem(domain);
    if (problem !== undefined) addError(ctx, itemPath(ctx, [...at, 'searchDomains'], index), problem);
  });
};

export type NetworkMode = NonNullable<IdentitySettings['network']>;

/** The host's network mode: as set, else static when it has an address and a network to take prefix and gateway from, else dhcp. */
export const effectiveNetworkMode = (host: { ip?: string; network?: unknown; identity: IdentitySettings }): { mode: NetworkMode; defaulted: boolean } => {
  if (host.identity.network !== undefined) return { mode: host.identity.network, defaulted: false };
  return { mode: host.ip !== undefined && host.network !== undefined ? 'static' : 'dhcp', defaulted: true };
};

/**
 * The one context every override template (`NAME.hbs` in a layer) sees, for one host; mirrored field
 * by field in docs/overrides.md. Templates run in handlebars strict mode: a field the host does not
 * have is *absent*, so `{{host.ip}}` on a DHCP host is an error naming the file and line, while
 * `{{#if host.ip}}…{{/if}}` tests for it safely.
 */
export interface OverrideContext {
  host: {
    /** Short host name (`web07`). */
    name: string;
    /** `name.domain`, or the name alone when the host's network has no domain. */
    fqdn: string;
    /** DNS domain of the host's network (`lab.example`); absent without one. */
    domain?: string;
    /** Normalised MAC addresses (`52:54:00:12:34:56`) in inventory order; may be empty. */
    macs: readonly string[];
    /** IPv4 address (`10.0.0.17`); absent for a host without a fixed address. */
    ip?: string;
  };
  /** The host's network (from the host or its first group that names one); absent without one. */
  network?: OverrideNetworkContext;
  image: {
    /** Image name (`web`). */
    name: string;
    /** The version being deployed (`web@3`), resolved against the store. */
    ref: string;
  };
  /** The host's groups in its listed order (the layer order). */
  groups: readonly string[];
  /** Inventory vars: the image's, then its groups' in listed order, then the host's; later wins. `{{vars.NAME}}`. */
  vars: Readonly<Record<string, unknown>>;
  server: {
    /** Base URL of `rootcast serve` from the inventory's `server.url`, no trailing slash; absent when unset. */
    url?: string;
  };
}

export interface OverrideNetworkContext {
  /** Network name in the inventory (`lab`). */
  name: string;
  /** Normalised subnet (`10.0.0.0/24`). */
  subnet: string;
  /** Prefix length (`24`). */
  prefix: number;
  /** Dotted netmask (`255.255.255.0`). */
  netmask: string;
  /** Default gateway; absent when the network has none. */
  gateway?: string;
  /** Name servers in order; may be empty. */
  dns: readonly string[];
}

import type { ResolvedHost } from '../inventory/resolve.js';
import type { OverrideContext } from '../render/override-context.js';

/** Builds the one template context for a host (pure); `imageRef` is the version being deployed (`web@3`). */
export const overrideContextFor = (host: ResolvedHost, imageRef: string, serverUrl: string | undefined): OverrideContext => {
  const network = host.network;
  const domain = network?.domain;
  return {
    host: {
      name: host.name,
      fqdn: host.fqdn ?? host.name,
      ...(domain === undefined ? {} : { domain }),
      macs: [...host.macs],
      ...(host.ip === undefined ? {} : { ip: host.ip }),
    },
    ...(network === undefined
      ? {}
      : {
          network: {
            name: network.name,
            subnet: network.subnet,
            prefix: network.prefix,
            netmask: network.netmask,
            ...(network.gateway === undefined ? {} : { gateway: network.gateway }),
            dns: [...network.dns],
          },
        }),
    image: { name: host.image?.name ?? imageRef.split('@', 1)[0] ?? imageRef, ref: imageRef },
    groups: [...host.groups],
    vars: { ...host.vars },
    server: serverUrl === undefined ? {} : { url: serverUrl.replace(/\/+$/, '') },
  };
};

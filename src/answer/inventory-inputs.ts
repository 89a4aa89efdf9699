import { RootcastError } from '../errors/rootcast-error.js';
import type { HomePaths } from '../home/paths.js';
import type { DistroFootprint } from '../image/manifest.js';
import { readImageDistro, resolveImageRef } from '../image/versions.js';
import { compressHostNames } from '../inventory/host-pattern.js';
import { describeImageless, findImagelessHosts } from '../inventory/missing-image.js';
import { resolveHosts, type ResolvedHost } from '../inventory/resolve.js';
import type { Inventory } from '../inventory/types.js';
import type { AnswerFileInput, InstallInput, NetworkInput } from './answer-file-input.js';

export type AnswerSelector = { kind: 'host'; name: string } | { kind: 'group'; name: string };

/** Where a host's install token comes from: issued by the caller (serve, `rootcast kickstart`), or a placeholder for checks. */
export type InstallTokenSource = (host: string) => Promise<string>;

/** What a host's answer file needs beyond the host itself. */
export interface AnswerInputExtras {
  serverUrl: string;
  /** The concrete version the host deploys (`web@3`), resolved against the store. */
  imageRef: string;
  token: string;
  /** The system that version was captured from (its manifest), when it says. */
  capturedFrom?: DistroFootprint | undefined;
}

/** A static network needs the subnet the address lives in; an address without a network means DHCP (e.g. a reservation). */
const networkOf = (host: ResolvedHost): NetworkInput =>
  host.ip === undefined || host.network === undefined
    ? { mode: 'dhcp' }
    : {
        mode: 'static',
        ip: host.ip,
        prefix: host.network.prefix,
        ...(host.network.gateway === undefined ? {} : { gateway: host.network.gateway }),
        dns: host.network.dns,
      };

/** The inventory's install settings (shape checked by its schema) as renderer input; the renderer checks the layout rules. */
const installOf = (host: ResolvedHost, token: string): InstallInput => ({ ...host.install, token });

/** Maps one resolved inventory host onto the renderer's input (pure). */
export const answerInputFromHost = (host: ResolvedHost, extras: AnswerInputExtras): AnswerFileInput => ({
  host: {
    name: host.name,
    ...(host.network?.domain === undefined ? {} : { domain: host.network.domain }),
    macs: host.macs,
  },
  network: networkOf(host),
  image: { name: host.image?.name ?? '', ref: extras.imageRef, ...(extras.capturedFrom === undefined ? {} : { capturedFrom: extras.capturedFrom }) },
  server: { httpUrl: extras.serverUrl },
  install: installOf(host, extras.token),
  vars: host.vars,
});

const selectHosts = (hosts: readonly ResolvedHost[], selector: AnswerSelector, file: string): ResolvedHost[] => {
  const selected = hosts.filter((host) => (selector.kind === 'host' ? host.name === selector.name : host.groups.includes(selector.name)));
  if (selected.length === 0) {
    throw new RootcastError('NOT_FOUND', selector.kind === 'host' ? `host "${selector.name}" is not in the inventory ${file}` : `no host of the inventory ${file} is in group "${selector.name}"`, {
      hint: 'run "rootcast host list" to see the hosts',
    });
  }
  return selected;
};

/**
 * Builds one input per selected host of a validated inventory (read from `file`): server URL,
 * install token, the image version it deploys (resolved against the store). Throws NOT_FOUND for an
 * unknown host/group, INVALID_DATA for missing settings. Tokens are asked for only once every
 * selected host passed those checks.
 */
export const answerInputsFromInventory = async (
  inventory: Inventory,
  file: string,
  paths: HomePaths,
  selector: AnswerSelector,
  tokenFor: InstallTokenSource,
): Promise<AnswerFileInput[]> => {
  const hosts = selectHosts(resolveHosts(inventory), selector, file);
  const serverUrl = inventory.server?.url;
  if (serverUrl === undefined) {
    throw new RootcastError('INVALID_DATA', `the inventory ${file} does not say where rootcast serve is`, {
      hint: `add a line like  server: {url: "http://10.0.0.1:8780"}  (the address installing hosts reach)`,
    });
  }
  const imageless = findImagelessHosts(hosts);
  if (imageless.length > 0) {
    const names = compressHostNames(imageless.flatMap((set) => set.hosts.map((host) => host.name)));
    throw new RootcastError('INVALID_DATA', `no image is set for ${names.join(', ')}`, {
      details: imageless.map(describeImageless),
      hint: 'set "image" on the host or on one of its groups; rootcast inventory check lists every host without one',
    });
  }
  const versions = await Promise.all(
    hosts.map(async (host) => {
      const resolved = await resolveImageRef(paths, host.image?.ref ?? '');
      return { ref: resolved.ref, capturedFrom: await readImageDistro(paths, resolved) };
    }),
  );
  return Promise.all(
    hosts.map(async (host, index) =>
      answerInputFromHost(host, { serverUrl: serverUrl.replace(/\/$/, ''), imageRef: versions[index]?.ref ?? '', capturedFrom: versions[index]?.capturedFrom, token: await tokenFor(host.name) }),
    ),
  );
};

import type { NetworkStack, StackName } from './footprint.js';
import type { FileOp, NicConfig } from './identity-input.js';
import { interfacesPath } from './interfaces-file.js';
import { renderLinkFiles } from './link-files.js';
import { ifupdownName, renderIfupdown } from './render-ifupdown.js';
import { renderNetplanFile } from './render-netplan.js';
import { renderNetworkFiles } from './render-networkd.js';
import { renderKeyfiles } from './render-networkmanager.js';
import { planResolvConf } from './resolv-conf.js';
import { fileText, type RootSnapshot } from './root-snapshot.js';
import type { StaleCleanup } from './stale-configs.js';

/** What every stack writer gets: the host, its cards, and the image's interfaces text after cleanup. */
interface StackContext {
  hostname: string;
  target: NetworkStack;
  nics: readonly NicConfig[];
  interfaces: string;
}

/** A card renamed by a `.link` file: where the inventory gives both its MAC and the name it should have. */
const renamedName = (nic: NicConfig): string | undefined => (nic.mac === undefined ? undefined : nic.name);

const stackWriters: { [K in StackName]: (context: StackContext & { target: Extract<NetworkStack, { stack: K }> }) => FileOp[] } = {
  networkmanager: ({ hostname, nics }) => [...renderKeyfiles(hostname, nics), ...renderLinkFiles(hostname, nics, renamedName)],
  networkd: ({ hostname, nics }) => [...renderNetworkFiles(hostname, nics), ...renderLinkFiles(hostname, nics, renamedName)],
  // netplan's set-name makes the rename itself.
  netplan: ({ hostname, nics, target }) => [renderNetplanFile(hostname, target.renderer, nics)],
  ifupdown: ({ hostname, nics, interfaces }) => renderIfupdown(hostname, nics, interfaces),
};

/** Names rootcast gives the host's cards on this stack, so stale configs for those names go too. */
export const ownNames = (target: NetworkStack, nics: readonly NicConfig[]): string[] =>
  nics.flatMap((nic) => (target.stack === 'ifupdown' ? [ifupdownName(nic)] : [nic.name])).filter((name): name is string => name !== undefined);

/** Later ops replace earlier ones for the same path (a rewrite after a cleanup, a write over a removal). */
const mergeOps = (ops: readonly FileOp[]): FileOp[] => {
  const byPath = new Map<string, FileOp>();
  for (const op of ops) {
    byPath.delete(op.path);
    byPath.set(op.path, op);
  }
  return [...byPath.values()];
};

/** The network part of a managed host's plan: the cleanup of every stack's Ethernet configs, then the host's own. */
export const planNetwork = (hostname: string, target: NetworkStack, nics: readonly NicConfig[], snapshot: RootSnapshot, cleanup: StaleCleanup): FileOp[] => {
  const rewritten = cleanup.ops.find((op) => op.path === interfacesPath && op.op === 'write');
  const interfaces = rewritten?.op === 'write' ? rewritten.content : (fileText(snapshot, interfacesPath) ?? '');
  const writer = stackWriters[target.stack] as (context: StackContext) => FileOp[];
  const written = writer({ hostname, target, nics, interfaces });
  return mergeOps([...cleanup.ops, ...written, ...planResolvConf(hostname, target, nics, snapshot)]);
};

import { RootcastError } from '../errors/rootcast-error.js';
import { detectFootprint, type NetworkFootprint, type NetworkStack } from './footprint.js';
import { planHostnameFile } from './hostname-file.js';
import { dynamicHostAddress, mergeHostsFile } from './hosts-file.js';
import type { FileOp, IdentityInput } from './identity-input.js';
import { planMachineId, type RandomBytes } from './machine-id.js';
import { ownNames, planNetwork } from './plan-network.js';
import { ifupdownName } from './render-ifupdown.js';
import { fileText, type RootSnapshot } from './root-snapshot.js';
import { planStaleCleanup } from './stale-configs.js';
import { describeNic, identityInputProblems } from './validate-input.js';

/** Everything that gives one clone its own identity, as file changes to make in its root. */
export interface IdentityPlan {
  host: string;
  /** What manages the image's network (detected even when the host keeps the image's configuration). */
  footprint: NetworkFootprint;
  /** The stack the network configuration is written for; undefined in keep mode. */
  writesFor?: NetworkStack;
  ops: FileOp[];
}

export interface PlanIdentityOptions {
  input: IdentityInput;
  /** The root as the host will boot it (image and override layers), from readRootSnapshot. */
  snapshot: RootSnapshot;
  randomBytes: RandomBytes;
}

/** Problems only the image can cause: no stack to write for, or cards the stack cannot find. */
const stackProblems = (input: IdentityInput, footprint: NetworkFootprint): string[] => {
  if (input.network.mode === 'keep') return [];
  if (footprint.kind === 'none') return ['network: the image has none of NetworkManager, systemd-networkd, netplan or ifupdown in use (install one in the golden client and capture again, or set identity: {network: keep} to leave its network as it is)', ...footprint.evidence.map((line) => `  ${line}`)];
  if (footprint.kind === 'conflict') return [`network: cannot tell which stack manages the image: ${footprint.evidence[0] ?? ''}`, ...footprint.evidence.slice(1).map((line) => `  ${line}`)];
  if (footprint.target.stack !== 'ifupdown') return [];
  return input.network.nics.flatMap((nic, index) =>
    ifupdownName(nic) === undefined ? [`network ${describeNic(nic, index)}: ifupdown needs the card's name: give the host a MAC or set identity.interface`] : [],
  );
};

/**
 * Plans a clone's identity: its network configuration in the image's own stack (or none in keep
 * mode), /etc/hostname, /etc/hosts and a fresh machine id. Pure; refuses a bad input with every
 * problem at once, before anything touches a target.
 */
export const planIdentity = ({ input, snapshot, randomBytes }: PlanIdentityOptions): IdentityPlan => {
  const footprint = detectFootprint(snapshot);
  const manage = input.network.mode === 'manage' && footprint.kind === 'found' ? { target: footprint.target, nics: input.network.nics } : undefined;
  const cleanup = manage === undefined ? undefined : planStaleCleanup(snapshot, ownNames(manage.target, manage.nics));
  const problems = [...identityInputProblems(input), ...stackProblems(input, footprint), ...(cleanup?.blockers ?? []).map((blocker) => `network: ${blocker}`)];
  if (problems.length > 0) {
    throw new RootcastError('INVALID_DATA', `host ${input.hostname}: identity cannot be planned`, {
      details: problems,
      hint: "fix the host's ip, network or identity settings in the inventory, or set identity.network: keep to leave the image's network configuration (docs/identity.md)",
    });
  }
  const networkOps = manage === undefined || cleanup === undefined ? [] : planNetwork(input.hostname, manage.target, manage.nics, snapshot, cleanup);
  const staticAddress = manage?.nics.map((nic) => nic.ipv4).find((ipv4) => ipv4.method === 'static')?.address;
  const names = input.fqdn === undefined ? [input.hostname] : [input.fqdn, input.hostname];
  const hosts = mergeHostsFile(fileText(snapshot, 'etc/hosts'), { address: staticAddress ?? dynamicHostAddress, names });
  return {
    host: input.hostname,
    footprint,
    ...(manage === undefined ? {} : { writesFor: manage.target }),
    ops: [
      ...networkOps,
      planHostnameFile(input),
      { op: 'write', path: 'etc/hosts', content: hosts, mode: 0o644, why: `${staticAddress ?? dynamicHostAddress} names this host` },
      ...planMachineId(snapshot, randomBytes),
    ],
  };
};

/** One line per op, for --dry-run and reports: `write etc/hostname (0644): host name (single label)`. */
export const describeOp = (op: FileOp): string =>
  op.op === 'write' ? `write ${op.path} (${op.mode.toString(8).padStart(4, '0')}): ${op.why}` : op.op === 'symlink' ? `link ${op.path} -> ${op.target}: ${op.why}` : `remove ${op.path}: ${op.why}`;

import { effectiveRenderer, isNetplanRenderer, netplanDir, readNetplanFiles, type NetplanRenderer } from './netplan-yaml.js';
import { entryAt, hasProgram, watchedPrograms, type RootSnapshot } from './root-snapshot.js';
import { describeUnit, readUnitState, startsAtBoot } from './unit-enablement.js';

/** The stacks rootcast writes configuration for; netplan hands its YAML to one of two renderers. */
export type NetworkStack =
  | { stack: 'networkmanager' }
  | { stack: 'networkd' }
  | { stack: 'ifupdown' }
  | { stack: 'netplan'; renderer: NetplanRenderer };

export type StackName = NetworkStack['stack'];

/**
 * What manages the network in an image: the stack rootcast writes for, or why it cannot pick one.
 * `evidence` says what was found for every stack, so a refusal can be reported as it is.
 */
export type NetworkFootprint =
  | { kind: 'found'; target: NetworkStack; evidence: string[] }
  | { kind: 'none'; evidence: string[] }
  | { kind: 'conflict'; evidence: string[] };

interface Candidate {
  /** The stack as it would be used, or a reason it cannot be, when present at all. */
  use?: NetworkStack | { problem: string };
  evidence: string;
}

const serviceStack = (snapshot: RootSnapshot, name: 'networkmanager' | 'networkd', units: readonly string[]): Candidate => {
  const program = hasProgram(snapshot, watchedPrograms[name]);
  const states = units.map((unit) => readUnitState(snapshot, unit));
  const label = name === 'networkmanager' ? 'NetworkManager' : 'systemd-networkd';
  if (program === undefined) return { evidence: `${label}: not installed (no ${watchedPrograms[name].join(' or ')})` };
  const evidence = `${label}: /${program}; ${states.map(describeUnit).join('; ')}`;
  return states.some(startsAtBoot) ? { use: { stack: name }, evidence } : { evidence };
};

const ifupdown = (snapshot: RootSnapshot): Candidate => {
  const program = hasProgram(snapshot, watchedPrograms.ifupdown);
  const interfaces = entryAt(snapshot, 'etc/network/interfaces')?.kind === 'file';
  if (program === undefined || !interfaces) {
    return { evidence: `ifupdown: not in use (${program === undefined ? 'no ifup' : `/${program}`}, ${interfaces ? '' : 'no '}etc/network/interfaces)` };
  }
  return { use: { stack: 'ifupdown' }, evidence: `ifupdown: /${program} and etc/network/interfaces; ${describeUnit(readUnitState(snapshot, 'networking.service'))}` };
};

/** Netplan counts when it is installed and has YAML to render; its renderer must be started at boot. */
const netplan = (snapshot: RootSnapshot, renderers: Record<NetplanRenderer, Candidate>): Candidate => {
  const program = hasProgram(snapshot, watchedPrograms.netplan);
  const files = readNetplanFiles(snapshot);
  if (program === undefined) return { evidence: 'netplan: not installed' };
  if (files.length === 0) return { evidence: `netplan: /${program} but no ${netplanDir}/*.yaml (nothing to render)` };
  const broken = files.find((file) => !file.ok);
  if (broken !== undefined && !broken.ok) return { use: { problem: `${broken.path} does not parse: ${broken.problem}` }, evidence: `netplan: ${broken.path} does not parse` };
  const { renderer, from } = effectiveRenderer(files);
  const evidence = `netplan: /${program}, ${files.map((file) => file.path).join(', ')}; renderer ${renderer} (${from ?? 'netplan default'})`;
  if (!isNetplanRenderer(renderer)) return { use: { problem: `netplan renderer "${renderer}" is neither networkd nor NetworkManager` }, evidence };
  if (renderers[renderer].use === undefined) return { use: { problem: `netplan renders for ${renderer}, which is not started at boot` }, evidence };
  return { use: { stack: 'netplan', renderer }, evidence };
};

/**
 * Detects the image's network stack by what is installed and enabled, never by distro name.
 * Precedence: netplan (it generates the others' config at boot, so native files would compete
 * with it) → NetworkManager → systemd-networkd → ifupdown (the only one that needs no service).
 */
export const detectFootprint = (snapshot: RootSnapshot): NetworkFootprint => {
  const networkmanager = serviceStack(snapshot, 'networkmanager', ['NetworkManager.service']);
  const networkd = serviceStack(snapshot, 'networkd', ['systemd-networkd.service', 'systemd-networkd.socket']);
  const ordered = [netplan(snapshot, { NetworkManager: networkmanager, networkd }), networkmanager, networkd, ifupdown(snapshot)];
  const evidence = ordered.map((candidate) => candidate.evidence);
  const first = ordered.find((candidate) => candidate.use !== undefined)?.use;
  if (first === undefined) return { kind: 'none', evidence };
  if ('problem' in first) return { kind: 'conflict', evidence: [first.problem, ...evidence] };
  return { kind: 'found', target: first, evidence };
};

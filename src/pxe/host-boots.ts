import type { ResolvedHost } from '../inventory/resolve.js';
import type { PxeInstallerDef } from '../inventory/types.js';

/** Which installer family a distro profile belongs to; the caller builds it from kickstart/ profiles. */
export type AnswerFamilies = ReadonlyMap<string, 'rhel' | 'debian'>;

/** What the admin or serve decided a host boots next (PXE once); stored per host. */
export interface PxeBootChoice {
  next: 'install' | 'local';
  /** `install finished (done reported)`, `rootcast pxe reinstall`. */
  why: string;
  at: string;
}

export interface HostBootInstall {
  kind: 'install';
  distro: string;
  family: 'rhel' | 'debian';
  installer: PxeInstallerDef;
}

export type HostBootNext = HostBootInstall | { kind: 'local' };

/** One host's next PXE boot and why; hosts without a MAC cannot be told apart on the wire and are left out. */
export interface HostBoot {
  name: string;
  macs: string[];
  ip?: string;
  next: HostBootNext;
  why: string;
  /** Why an install was wanted but cannot be offered (no installer for its distro...). */
  problem?: string;
}

export interface HostBootInputs {
  hosts: readonly ResolvedHost[];
  installers: Readonly<Record<string, PxeInstallerDef>>;
  families: AnswerFamilies;
  /** The stored PXE-once choice per host, if any. */
  choices: ReadonlyMap<string, PxeBootChoice>;
  /** Hosts whose record says an install finished. */
  deployed: ReadonlySet<string>;
}

const installerFor = (host: ResolvedHost, inputs: HostBootInputs): HostBootInstall | string => {
  const names = Object.keys(inputs.installers);
  const distro = host.install.distro ?? (names.length === 1 ? names[0] : undefined);
  if (distro === undefined) return `install.distro is not set and pxe.installers has ${names.length === 0 ? 'no entry' : `several (${names.join(', ')})`}: set install.distro`;
  const installer = inputs.installers[distro];
  if (installer === undefined) return `pxe.installers has no entry for ${distro}`;
  const family = inputs.families.get(distro);
  if (family === undefined) return `${distro} is not a distro profile in kickstart/`;
  return { kind: 'install', distro, family, installer };
};

/**
 * Decides each host's next PXE boot (pure): the stored choice if any (`pxe localboot`/`reinstall`,
 * or serve after `done`), else local for a deployed host and install for the rest.
 */
export const planHostBoots = (inputs: HostBootInputs): HostBoot[] =>
  inputs.hosts
    .filter((host) => host.macs.length > 0)
    .map((host) => {
      const choice = inputs.choices.get(host.name);
      const wanted = choice?.next ?? (inputs.deployed.has(host.name) ? 'local' : 'install');
      const why = choice !== undefined ? `${choice.why}, ${choice.at}` : wanted === 'local' ? 'deployed' : 'not deployed yet';
      const base = { name: host.name, macs: host.macs, ...(host.ip === undefined ? {} : { ip: host.ip }) };
      if (wanted === 'local') return { ...base, next: { kind: 'local' }, why };
      const installer = installerFor(host, inputs);
      if (typeof installer === 'string') return { ...base, next: { kind: 'local' }, why, problem: installer };
      return { ...base, next: installer, why };
    });

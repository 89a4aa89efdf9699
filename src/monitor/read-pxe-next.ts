import type { HomePaths } from '../home/paths.js';
import type { ResolvedHost } from '../inventory/resolve.js';
import type { PxeInstallerDef } from '../inventory/types.js';
import { readBootChoices } from '../pxe/boot-choice-store.js';
import { planHostBoots, type AnswerFamilies } from '../pxe/host-boots.js';
import { readHostRecords } from '../state/host-record-store.js';
import { pxeNextByHost, type PxeNext } from './pxe-next.js';

/** What the next PXE boot of hosts is decided from: the inventory's hosts and pxe.installers, the distro families. */
export interface PxeNextInputs {
  hosts: readonly ResolvedHost[];
  installers: Readonly<Record<string, PxeInstallerDef>>;
  families: AnswerFamilies;
}

/**
 * Each host's next PXE boot as `rootcast pxe` decides it (src/pxe/host-boots.ts): the stored PXE-once choice
 * (`pxe localboot/reinstall`, or serve after `done`), else the deploy record. Read fresh on every call.
 */
export const readPxeNext = async (paths: HomePaths, inputs: PxeNextInputs): Promise<Map<string, PxeNext>> => {
  const names = inputs.hosts.map((host) => host.name);
  const [choices, records] = await Promise.all([readBootChoices(paths, names), readHostRecords(paths)]);
  const deployed = new Set(records.filter((record) => record.deployed !== undefined).map((record) => record.host));
  return pxeNextByHost(names, planHostBoots({ hosts: inputs.hosts, installers: inputs.installers, families: inputs.families, choices, deployed }));
};

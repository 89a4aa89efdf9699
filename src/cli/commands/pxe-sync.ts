import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyBootTree, findPresentSources, type BootTreeResult, type FetchFunction } from '../../pxe/apply-boot-tree.js';
import { entryPaths, type GeneratedFile } from '../../pxe/boot-entries.js';
import { planBootTree, type BootTreePlan } from '../../pxe/boot-tree-plan.js';
import { pxeStatusRows, type PxeStatusRow } from '../../pxe/status.js';
import type { PxeInputs } from './pxe-inputs.js';

/** Plans the boot tree from what `readPxeInputs` read (the stat of local sources is its last read). */
export const planSync = async (inputs: PxeInputs): Promise<BootTreePlan> =>
  planBootTree({ root: inputs.root, settings: inputs.settings, hosts: inputs.hosts, templates: inputs.templates, present: await findPresentSources(inputs.settings) });

export interface SyncOptions {
  fetch: FetchFunction;
  refetch?: boolean;
  configsOnly?: boolean;
}

export const syncBootTree = async (inputs: PxeInputs, options: SyncOptions): Promise<{ plan: BootTreePlan; result: BootTreeResult }> => {
  const plan = await planSync(inputs);
  return { plan, result: await applyBootTree(plan, options) };
};

/** Status rows, with each MAC's pxelinux entry on disk compared against what a sync would write. */
export const readPxeStatus = async (inputs: PxeInputs, plan: BootTreePlan): Promise<PxeStatusRow[]> => {
  const wanted = new Map(plan.files.map((file: GeneratedFile) => [file.path, file.content]));
  const onDisk = new Map<string, string | undefined>();
  for (const host of inputs.hosts) {
    for (const mac of host.macs) {
      const path = entryPaths(mac).pxelinux;
      onDisk.set(mac, await readFile(join(inputs.root, path), 'utf8').catch(() => undefined));
    }
  }
  return pxeStatusRows(inputs.hosts, (mac) => onDisk.get(mac) === wanted.get(entryPaths(mac).pxelinux));
};

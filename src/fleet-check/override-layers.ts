import { isRootcastError } from '../errors/rootcast-error.js';
import type { InventoryIssue } from '../inventory/issue.js';
import type { Inventory } from '../inventory/types.js';
import { layerDirProblems, readLayerDirs } from '../overrides/layer-dirs.js';
import { formatOverrideProblem } from '../overrides/override-problem.js';

/**
 * What `render`, `explain` and serve would refuse about `<home>/overrides/` as a whole: layers of hosts
 * and groups the inventory does not have (a typo, or a host removed), stray names, non-directories.
 */
export const overrideLayerIssues = async (overridesDir: string, inventory: Inventory): Promise<InventoryIssue[]> => {
  try {
    const dirs = await readLayerDirs(overridesDir);
    const known = { hosts: inventory.hosts.map((host) => host.name), groups: Object.keys(inventory.groups) };
    return layerDirProblems(overridesDir, dirs, known).map((problem) => ({ severity: 'error', path: [], message: formatOverrideProblem(problem) }));
  } catch (error) {
    if (!isRootcastError(error)) throw error;
    return [{ severity: 'error', path: [], message: error.message }];
  }
};

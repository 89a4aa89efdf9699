import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RootcastError } from '../../errors/rootcast-error.js';
import { applyBootTree, findCachedDownloads, findPresentSources, type BootTreeResult } from '../../pxe/apply-boot-tree.js';
import { entryPaths, type GeneratedFile } from '../../pxe/boot-entries.js';
import { planBootTree, plannedCopies, type BootTreePlan, type UnfetchedFile } from '../../pxe/boot-tree-plan.js';
import { fetchUrlSources, type FetchFunction } from '../../pxe/fetch-url-sources.js';
import { removeForeignEntries } from '../../pxe/foreign-entries.js';
import { pxeStatusRows, type PxeStatusRow } from '../../pxe/status.js';
import type { PxeInputs } from './pxe-inputs.js';

/** What the tree and the server hold: local sources that exist, URL sources downloaded before. */
const readSources = async (inputs: PxeInputs) => {
  const [present, cached] = await Promise.all([findPresentSources(inputs.settings), findCachedDownloads(inputs.root, inputs.settings)]);
  return { root: inputs.root, settings: inputs.settings, hosts: inputs.hosts, templates: inputs.templates, present, cached };
};

/** A sync that downloads nothing treats every URL source not in the tree yet as missing. */
const notDownloaded = (inputs: PxeInputs): Map<string, UnfetchedFile> =>
  new Map(plannedCopies(inputs.settings).flatMap((copy) =>
    copy.from.kind === 'url'
      ? [[copy.tree, { message: `${copy.from.url} (${copy.from.setting}) is not downloaded yet (rootcast pxe sync or serve --pxe downloads it)`, code: 'UNAVAILABLE', attempted: false }] as const]
      : [],
  ));

/** The plan a full sync starts from (`--dry-run`): URL sources are assumed to download. */
export const planSync = async (inputs: PxeInputs): Promise<BootTreePlan> => planBootTree(await readSources(inputs));

/** The plan of what the tree can offer right now, without downloading (`pxe status`, serve's per-MAC lines). */
export const planStatus = async (inputs: PxeInputs): Promise<BootTreePlan> => planBootTree({ ...(await readSources(inputs)), unfetched: notDownloaded(inputs) });

export interface SyncOptions {
  fetch: FetchFunction;
  refetch?: boolean;
  configsOnly?: boolean;
}

/**
 * Syncs the tree, writing whatever it can: first removes symlinks and special files (nothing below
 * may pass through one), then reads, plans, downloads, plans again without what failed, applies.
 * A missing file skips only its loader or installer; `plan.problems` says which.
 */
export const syncBootTree = async (inputs: PxeInputs, options: SyncOptions): Promise<{ plan: BootTreePlan; result: BootTreeResult }> => {
  const foreign = await removeForeignEntries(inputs.root);
  const sources = await readSources(inputs);
  if (options.configsOnly === true) {
    const plan = planBootTree({ ...sources, unfetched: notDownloaded(inputs) });
    return { plan, result: { ...(await applyBootTree(plan, { configsOnly: true })), foreign } };
  }
  const first = planBootTree(sources);
  const { downloads, unfetched } = await fetchUrlSources(inputs.root, first.copies, { fetch: options.fetch, cached: sources.cached, ...(options.refetch === undefined ? {} : { refetch: options.refetch }) });
  const plan = unfetched.size === 0 ? first : planBootTree({ ...sources, unfetched });
  return { plan, result: { ...(await applyBootTree(plan, { downloads })), foreign } };
};

/** The tree holds only directories and regular files: dnsmasq's TFTP would follow a symlink out of it. */
export const foreignWarning = (entry: string): string => `removed ${entry} from the boot tree: it holds only rootcast's directories and regular files`;

/** The error `pxe sync` exits with after writing what it could: 66 when every problem is a 404, else 69. */
export const incompleteTreeError = (plan: BootTreePlan): RootcastError =>
  new RootcastError(plan.problems.every((problem) => problem.code === 'NOT_FOUND') ? 'NOT_FOUND' : 'UNAVAILABLE', `the boot tree ${plan.root} is incomplete: ${plan.problems.length} file(s) missing; everything else was written`, {
    details: plan.problems.map((problem) => problem.message),
    hint: 'install the Debian packages named above, or fix the pxe.installers settings, then run "rootcast pxe sync" again',
  });

/** Status rows, with each MAC's pxelinux entry on disk compared against what the plan writes. */
export const readPxeStatus = async (inputs: PxeInputs, plan: BootTreePlan): Promise<PxeStatusRow[]> => {
  const wanted = new Map(plan.files.map((file: GeneratedFile) => [file.path, file.content]));
  const onDisk = new Map<string, string | undefined>();
  for (const host of plan.hosts) {
    for (const mac of host.macs) {
      const path = entryPaths(mac).pxelinux;
      onDisk.set(mac, await readFile(join(inputs.root, path), 'utf8').catch(() => undefined));
    }
  }
  return pxeStatusRows(plan.hosts, (mac) => onDisk.get(mac) === wanted.get(entryPaths(mac).pxelinux));
};

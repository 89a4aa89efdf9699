import { join } from 'node:path';
import { loadDistroProfiles } from '../../answer/load-distro-profiles.js';
import type { HomePaths } from '../../home/paths.js';
import { loadInventory } from '../../inventory/load.js';
import { resolveHosts, type ResolvedHost } from '../../inventory/resolve.js';
import type { Inventory } from '../../inventory/types.js';
import { findPackageRoot } from '../../package/package-root.js';
import { readBootChoices } from '../../pxe/boot-choice-store.js';
import { planHostBoots, type AnswerFamilies, type HostBoot } from '../../pxe/host-boots.js';
import { pxeSettingsOf, type PxeSettings } from '../../pxe/pxe-settings.js';
import { loadPxeTemplates, type PxeTemplates } from '../../render/pxe-templates.js';
import { readHostRecords } from '../../state/host-record-store.js';

/** Everything the pxe and dhcp commands (and serve --pxe) read before they plan. */
export interface PxeInputs {
  file: string;
  inventory: Inventory;
  settings: PxeSettings;
  resolved: ResolvedHost[];
  hosts: HostBoot[];
  templates: PxeTemplates;
  /** The boot tree: `<home>/pxe` (TFTP root, and /pxe/ over HTTP). */
  root: string;
}

export const bootTreeRoot = (paths: HomePaths): string => join(paths.home, 'pxe');

/** Installer family of every distro profile shipped in kickstart/. */
export const loadAnswerFamilies = async (): Promise<AnswerFamilies> => {
  const catalog = await loadDistroProfiles(join(findPackageRoot(), 'kickstart'));
  return new Map([...catalog.values()].map((profile) => [profile.id, profile.family]));
};

/** The read step: inventory, PXE settings, each host's next boot (PXE-once choices, deploy records), templates. */
export const readPxeInputs = async (paths: HomePaths): Promise<PxeInputs> => {
  const { file, validation } = await loadInventory(paths);
  const inventory = validation.inventory;
  const settings = pxeSettingsOf(inventory);
  const resolved = resolveHosts(inventory);
  const names = resolved.map((host) => host.name);
  const [choices, records, families, templates] = await Promise.all([
    readBootChoices(paths, names),
    readHostRecords(paths),
    loadAnswerFamilies(),
    loadPxeTemplates(join(findPackageRoot(), 'templates')),
  ]);
  const deployed = new Set(records.filter((record) => record.deployed !== undefined).map((record) => record.host));
  const hosts = planHostBoots({ hosts: resolved, installers: settings.installers, families, choices, deployed });
  return { file, inventory, settings, resolved, hosts, templates, root: bootTreeRoot(paths) };
};

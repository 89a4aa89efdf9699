import type { PxeArchitecture } from '../inventory/types.js';
import type { PxeTemplates } from '../render/pxe-templates.js';
import { loaderFiles } from './boot-files.js';
import { installerTreePath, planBootEntries, type GeneratedFile } from './boot-entries.js';
import type { HostBoot } from './host-boots.js';
import type { PxeSettings } from './pxe-settings.js';

/** Where a copied file comes from. */
export type BootFileSource =
  | { kind: 'package'; path: string; package: string }
  | { kind: 'path'; path: string; setting: string }
  | { kind: 'url'; url: string; setting: string };

/** Files that boot only together: one architecture's loader, one distro's installer. */
export type BootUnit = { kind: 'loader'; architecture: PxeArchitecture } | { kind: 'installer'; distro: string };

export interface BootFileCopy {
  /** Relative to the boot tree. */
  tree: string;
  from: BootFileSource;
  unit: BootUnit;
}

/** A file the sync cannot provide; everything else is still written. */
export interface BootTreeProblem {
  /** What is missing and what does without it, in one line. */
  message: string;
  /** NOT_FOUND (66) for a URL that answered 404, UNAVAILABLE (69) for the rest. */
  code: 'NOT_FOUND' | 'UNAVAILABLE';
}

/** Why a URL source could not be had this time (a failed download, or a sync that does not download). */
export interface UnfetchedFile {
  message: string;
  code: BootTreeProblem['code'];
  /** A failed download attempt (reported even when an earlier copy stays), not a sync that skips downloads. */
  attempted: boolean;
}

/** Everything `pxe sync` does to the boot tree, as data: `--dry-run` prints it. */
export interface BootTreePlan {
  root: string;
  /** Every file the sync can provide, also those of an incomplete unit (no entry refers to them until it is whole). */
  copies: BootFileCopy[];
  /** The files it cannot provide; their installer is not offered, their loader cannot boot. */
  skipped: BootFileCopy[];
  files: GeneratedFile[];
  /** Missing files, each naming its package, setting or URL and what goes without it. */
  problems: BootTreeProblem[];
  /** Each host's next boot after the missing installers are taken out (status and serve print these). */
  hosts: HostBoot[];
  /** Hosts that cannot install by PXE; they get a local-boot entry. */
  warnings: string[];
}

export interface BootTreeInputs {
  root: string;
  settings: PxeSettings;
  hosts: readonly HostBoot[];
  templates: PxeTemplates;
  /** Local source files (package files and installer paths) that exist on this server. */
  present: ReadonlySet<string>;
  /** Tree paths of URL sources downloaded by an earlier sync. @default none */
  cached?: ReadonlySet<string>;
  /** URL sources (by tree path) that this sync could not download. @default none: every URL is assumed to download */
  unfetched?: ReadonlyMap<string, UnfetchedFile>;
}

/** Every local source the plan may copy (the read step stats these to fill `present`). */
export const localSources = (settings: PxeSettings): string[] => [
  ...settings.architectures.flatMap((architecture) => loaderFiles[settings.loader][architecture].files.map((file) => file.source)),
  ...Object.values(settings.installers).flatMap((installer) => [installer.kernel, installer.initrd].filter((source) => source.startsWith('/'))),
];

/** Every copy the settings ask for, complete or not. */
export const plannedCopies = (settings: PxeSettings): BootFileCopy[] => [
  ...settings.architectures.flatMap((architecture) =>
    loaderFiles[settings.loader][architecture].files.map((file): BootFileCopy => ({
      tree: file.tree,
      from: { kind: 'package', path: file.source, package: file.package },
      unit: { kind: 'loader', architecture },
    })),
  ),
  ...Object.entries(settings.installers).flatMap(([distro, installer]) =>
    (['kernel', 'initrd'] as const).map((key): BootFileCopy => {
      const source = installer[key];
      const setting = `pxe.installers.${distro}.${key}`;
      const from: BootFileSource = source.startsWith('/') ? { kind: 'path', path: source, setting } : { kind: 'url', url: source, setting };
      return { tree: installerTreePath(distro, source), from, unit: { kind: 'installer', distro } };
    }),
  ),
];

const unitKey = (unit: BootUnit): string => (unit.kind === 'loader' ? `loader:${unit.architecture}` : `installer:${unit.distro}`);

const consequence = (unit: BootUnit): string =>
  unit.kind === 'loader'
    ? `the ${unit.architecture} loader is incomplete: ${unit.architecture} machines cannot boot from this server`
    : `installer ${unit.distro} is not offered: its hosts boot from their local disk`;

/** Why a copy cannot be provided by this sync (undefined: it can), without the consequence. */
const whyMissing = (copy: BootFileCopy, inputs: BootTreeInputs): { text: string; code: BootTreeProblem['code'] } | undefined => {
  const { from } = copy;
  if (from.kind === 'package') {
    return inputs.present.has(from.path) ? undefined : { text: `${from.path} is missing; it comes with the Debian package ${from.package} (apt-get install ${from.package.split(' ')[0]})`, code: 'UNAVAILABLE' };
  }
  if (from.kind === 'path') return inputs.present.has(from.path) ? undefined : { text: `${from.path} (${from.setting}) does not exist on this server`, code: 'UNAVAILABLE' };
  const unfetched = inputs.unfetched?.get(copy.tree);
  return unfetched === undefined || inputs.cached?.has(copy.tree) === true ? undefined : { text: unfetched.message, code: unfetched.code };
};

/** A failed re-download whose earlier copy stays: reported, but the installer is still offered. */
const keptCopyProblem = (copy: BootFileCopy, inputs: BootTreeInputs): BootTreeProblem[] => {
  const unfetched = inputs.unfetched?.get(copy.tree);
  return unfetched?.attempted === true && inputs.cached?.has(copy.tree) === true
    ? [{ message: `${copy.tree}: ${unfetched.message}; the copy downloaded before stays in the tree`, code: unfetched.code }]
    : [];
};

/** A host whose installer is incomplete boots locally and says which files are missing. */
const withoutIncomplete = (hosts: readonly HostBoot[], missing: ReadonlyMap<string, string[]>): HostBoot[] =>
  hosts.map((host) => {
    if (host.next.kind !== 'install') return host;
    const files = missing.get(unitKey({ kind: 'installer', distro: host.next.distro }));
    return files === undefined ? host : { ...host, next: { kind: 'local' }, problem: `installer ${host.next.distro} is incomplete on this server (missing ${files.join(', ')})` };
  });

/**
 * Plans the whole boot tree (pure): loader files, installer kernels and initrds, generated configs. A
 * missing file is reported with what goes without it (its loader, or its installer, whose hosts then
 * get local-boot entries); everything else is planned as usual.
 */
export const planBootTree = (inputs: BootTreeInputs): BootTreePlan => {
  const all = plannedCopies(inputs.settings);
  const missing = new Map<string, string[]>();
  const problems: BootTreeProblem[] = [];
  const copies: BootFileCopy[] = [];
  const skipped: BootFileCopy[] = [];
  for (const copy of all) {
    const why = whyMissing(copy, inputs);
    if (why === undefined) {
      copies.push(copy);
      problems.push(...keptCopyProblem(copy, inputs));
      continue;
    }
    skipped.push(copy);
    const key = unitKey(copy.unit);
    missing.set(key, [...(missing.get(key) ?? []), copy.tree]);
    problems.push({ message: `${copy.tree}: ${why.text}; ${consequence(copy.unit)}`, code: why.code });
  }
  const hosts = withoutIncomplete(inputs.hosts, missing);
  const warnings = hosts.flatMap((host) => (host.problem === undefined ? [] : [`${host.name} boots locally instead of installing: ${host.problem}`]));
  return {
    root: inputs.root,
    copies,
    skipped,
    files: planBootEntries(hosts, inputs.settings.serverUrl, inputs.templates),
    problems,
    hosts,
    warnings,
  };
};

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

export interface BootFileCopy {
  /** Relative to the boot tree. */
  tree: string;
  from: BootFileSource;
}

/** Everything `pxe sync` does to the boot tree, as data: `--dry-run` prints it. */
export interface BootTreePlan {
  root: string;
  copies: BootFileCopy[];
  files: GeneratedFile[];
  /** Things that stop the sync (nothing is written): missing packages, missing installer files. */
  problems: string[];
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
}

const sourcePath = (from: BootFileSource): string | undefined => (from.kind === 'url' ? undefined : from.path);

/** Every local source the plan may copy (the read step stats these to fill `present`). */
export const localSources = (settings: PxeSettings): string[] => [
  ...settings.architectures.flatMap((architecture) => loaderFiles[settings.loader][architecture].files.map((file) => file.source)),
  ...Object.values(settings.installers).flatMap((installer) => [installer.kernel, installer.initrd].filter((source) => source.startsWith('/'))),
];

const missingProblem = (copy: BootFileCopy): string =>
  copy.from.kind === 'package'
    ? `${copy.tree}: ${copy.from.path} is missing; it comes with the Debian package ${copy.from.package} (apt-get install ${copy.from.package.split(' ')[0]})`
    : `${copy.tree}: ${copy.from.kind === 'path' ? copy.from.path : ''} (${copy.from.setting}) does not exist on this server`;

/** Plans the whole boot tree (pure): loader files, installer kernels and initrds, generated configs. */
export const planBootTree = (inputs: BootTreeInputs): BootTreePlan => {
  const { settings } = inputs;
  const loaders: BootFileCopy[] = settings.architectures.flatMap((architecture) =>
    loaderFiles[settings.loader][architecture].files.map((file) => ({ tree: file.tree, from: { kind: 'package', path: file.source, package: file.package } as const })),
  );
  const installers: BootFileCopy[] = Object.entries(settings.installers).flatMap(([distro, installer]) =>
    (['kernel', 'initrd'] as const).map((key) => {
      const source = installer[key];
      const setting = `pxe.installers.${distro}.${key}`;
      const from: BootFileSource = source.startsWith('/') ? { kind: 'path', path: source, setting } : { kind: 'url', url: source, setting };
      return { tree: installerTreePath(distro, source), from };
    }),
  );
  const copies = [...loaders, ...installers];
  const problems = copies.filter((copy) => {
    const path = sourcePath(copy.from);
    return path !== undefined && !inputs.present.has(path);
  }).map(missingProblem);
  const warnings = inputs.hosts.flatMap((host) => (host.problem === undefined ? [] : [`${host.name} boots locally instead of installing: ${host.problem}`]));
  return { root: inputs.root, copies, files: planBootEntries(inputs.hosts, settings.serverUrl, inputs.templates), problems, warnings };
};

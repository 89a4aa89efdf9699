import type { PathOwner, UpdateInstructions } from '../protocol/update-protocol.js';
import { join } from 'node:path';
import { planBindMount, planImagePull, planNamespaceHolder, planOverridesPull, type PullPlace } from '../runner/plan-commands.js';
import { planTargetCommand } from '../runner/plan-boot.js';
import type { PlannedCommand } from '../sys/planned-command.js';
import type { HostUpdateFacts } from './host-facts.js';
import type { UpdateOptions } from './update-options.js';
import { planDataProtection, planUpdateExcludes } from './update-excludes.js';
import { runnerOwnedPaths } from '../runner/plan.js';
import { identityKeptPaths } from '../runner/plan-identity.js';
import { hostRunnerDir } from '../protocol/update-protocol.js';
import { exactPattern } from '../overrides/sync-filters.js';
import { planReboot } from './reboot.js';
import { planSweep, type SweepPlan } from './sweep.js';

/** The two passes an install makes (docs/overrides.md), run the same way by an update. */
export type UpdatePassName = 'image' | 'overrides';

export interface PlannedPass {
  name: UpdatePassName;
  /** "web@8" or "override layers of web07". */
  what: string;
  /** The module it pulls from (rsync:// URL with the daemon user). */
  source: string;
  /** What the update runs. */
  command: PlannedCommand;
  /** The same pass with rsync's --dry-run: what a dry run runs to list the changes (it is not the plan it prints). */
  preview: PlannedCommand;
}

/** Everything an update will do, as data: printed by --dry-run --json, run by run-update.ts. */
export interface UpdatePlan {
  host: string;
  server: string;
  ref: string;
  /** What the host ran before (deployed.json), if it says. */
  from: string | undefined;
  /** The version an interrupted update was applying (its marker), finished by this run. */
  resuming: string | undefined;
  root: string;
  excludes: string[];
  passes: PlannedPass[];
  owners: PathOwner[];
  dryRun: boolean;
  /** Opens the private mount+PID namespace the passes run in (closed when the update ends). */
  namespace: PlannedCommand;
  /** After an interrupted update (its marker is there): the `.~tmp~` directories its killed rsync left, found and removed. */
  sweep: SweepPlan | undefined;
  /**
   * Run only when a kernel or /boot changed (and not --no-bootloader): the profile's initramfs and boot
   * loader configuration lines, chrooted into the root. Not the per-disk boot loader install nor the relabel:
   * the boot loader on the disk stays the install's, and -X carried the image's SELinux labels.
   */
  bootCommands: PlannedCommand[];
  /** `--reboot` on the running system: run only when a kernel or /boot changed, after the report is printed. */
  reboot: PlannedCommand | undefined;
}

/** The holder of the update's private namespace: started while serve answers, before the rest is planned (it depends on nothing serve says). */
export const updateNamespaceHolder: PlannedCommand = planNamespaceHolder();

/**
 * An update runs the host's own rsync (it replaces files by rename, so the running one is never overwritten in
 * place) inside a private PID namespace: killed with us, rsync's forked receiver dies too (a death signal alone
 * would leave it writing into the root, measured: it outlived a SIGKILLed update and raced the next run).
 */
const onHost: PullPlace = { where: 'namespace' };

/** The patterns of the image filters' whiteouts (`H /srv/old` → `/srv/old`). */
const whiteoutsOf = (imageFilters: readonly string[]): string[] => imageFilters.filter((rule) => rule.startsWith('H ')).map((rule) => rule.slice(2));

/** What the layers remove on purpose (whiteouts, opaque directories), as exact patterns. */
const removalsOf = (owners: readonly PathOwner[]): string[] => owners.filter((owner) => owner.kind === 'removes').map((owner) => exactPattern(owner.path));

/** `/` → `/`, `/srv/host` → `/srv/host/`: rsync copies the module's contents into it. */
const destinationOf = (root: string): string => (root.endsWith('/') ? root : `${root}/`);

/**
 * Pure: the profile's boot lines chrooted into the root. A root other than / (a disk mounted for an offline
 * or rescue update) first gets the machine's /proc, /sys and /dev bound in, as an install's chroot does:
 * update-grub's grub-probe finds the root's device through them. In the private namespace, so they go with it.
 */
export const planUpdateBootCommands = (lines: readonly string[], root: string): PlannedCommand[] =>
  root === '/'
    ? lines.map((line) => planTargetCommand(line, { targetDir: root, where: 'here' }))
    : [
        ...['/proc', '/sys', '/dev'].map((dir) => planBindMount(dir, join(root, dir), true)),
        ...lines.map((line) => planTargetCommand(line, { targetDir: root, where: 'namespace' })),
      ];

/**
 * Pure: the image pass (`--delete`, the update's excludes, the data trees' protection, the instructions' image filters) and, when the
 * host has override layers, the overrides pass (checksum, the instructions' filters; only the admin's
 * excludes and foreign mounts, so every layer file lands as an install would put it).
 */
export const planUpdate = (instructions: UpdateInstructions, facts: HostUpdateFacts, options: UpdateOptions, ioTimeoutSeconds = 60): UpdatePlan => {
  const sources = {
    keepPaths: instructions.keepPaths,
    captureExcludes: instructions.captureExcludes ?? [],
    adminPatterns: facts.adminExcludes,
    foreignMounts: facts.foreignMounts,
    swapFiles: facts.swapFiles,
    linkedDataDirs: facts.linkedDataDirs,
    runningKernel: facts.runningKernel,
  };
  // Everything the update leaves alone (the sweep does not walk it either).
  const excludes = planUpdateExcludes(sources);
  // As --exclude, all but the capture's: those go in the filters after the capture's includes, which re-include below them.
  const passExcludes = planUpdateExcludes({ ...sources, captureExcludes: [] });
  const captureRules = [...(instructions.captureIncludes ?? []).map((pattern) => `+ ${pattern}`), ...sources.captureExcludes.map((pattern) => `- ${pattern}`)];
  // The install's own pass planners (runner/plan-commands.ts), run by the host's rsync with an update's options.
  const pass = (source: string, protect: readonly string[], filters: readonly string[], overrides: boolean): Pick<PlannedPass, 'command' | 'preview'> => {
    const planned = (dryRun: boolean): PlannedCommand =>
      (overrides ? planOverridesPull : planImagePull)(onHost, {
        source,
        destination: destinationOf(facts.root),
        protect,
        filters,
        ioTimeoutSeconds,
        stallSeconds: options.stallSeconds,
        ...(options.bwlimitKiB === undefined ? {} : { bwlimitKiB: options.bwlimitKiB }),
        live: { dryRun, delete: options.delete },
      });
    return { command: planned(false), preview: planned(true) };
  };
  const overrides = instructions.overrides;
  const imageFilters = overrides?.imageFilters ?? [];
  const passes: PlannedPass[] = [
    { name: 'image', what: instructions.ref, source: instructions.rsync.url, ...pass(instructions.rsync.url, passExcludes, [...planDataProtection([...whiteoutsOf(imageFilters), ...(instructions.imageRemovals ?? []).map(exactPattern)], 'image'), ...captureRules, ...imageFilters], false) },
    ...(overrides === undefined
      ? []
      : [{
          name: 'overrides' as const,
          what: `override layers of ${instructions.host}`,
          source: overrides.url,
          // The host's machine id, host keys and rootcast's own files too: an opaque layer directory (/etc/ssh) must not delete them.
          // A layer's own directory in a data tree (/srv/site) must not delete the host's data beside it: only removals may.
          ...pass(
            overrides.url,
            [...new Set([...identityKeptPaths, ...runnerOwnedPaths, `${hostRunnerDir}/`, ...facts.adminExcludes, ...facts.foreignMounts.map((mount) => `${exactPattern(mount)}/`)])],
            [...planDataProtection(removalsOf(instructions.owners), 'overrides'), ...overrides.overridesFilters],
            true,
          ),
        }]),
  ];
  return {
    host: instructions.host,
    server: options.server ?? facts.client.server,
    ref: instructions.ref,
    from: facts.deployed?.current.ref,
    // Only a run to the marker's version finishes the interrupted update (a rollback replaces it).
    resuming: facts.marker !== undefined && facts.marker.ref === instructions.ref ? facts.marker.ref : undefined,
    root: facts.root,
    excludes,
    passes,
    owners: instructions.owners,
    dryRun: options.dryRun,
    namespace: updateNamespaceHolder,
    sweep: facts.marker === undefined ? undefined : planSweep(facts.root, excludes, instructions.owners, facts.foreignMounts),
    bootCommands: !options.bootloader || instructions.postDeploy === undefined
      ? []
      : planUpdateBootCommands([...instructions.postDeploy.initramfs, ...instructions.postDeploy.bootloader.config], facts.root),
    reboot: options.reboot && facts.root === '/' ? planReboot() : undefined,
  };
};

/**
 * Pure: the reference to ask the server for: `--image`, `--rollback`'s previous (different) version, an interrupted
 * update's target (finished first), or nothing (the server answers with the inventory's version).
 */
export const chooseUpdateRef = (options: Pick<UpdateOptions, 'image' | 'rollback'>, facts: Pick<HostUpdateFacts, 'deployed' | 'marker'>): string | undefined => {
  if (options.image !== undefined) return options.image;
  if (options.rollback) {
    // An interrupted update never became current: going back means the version the host still records.
    if (facts.marker !== undefined && facts.deployed !== undefined && facts.deployed.current.ref !== facts.marker.ref) return facts.deployed.current.ref;
    // A re-run of the same version is history too: roll back to the newest version that differs.
    return facts.deployed?.history.find((entry) => entry.ref !== facts.deployed?.current.ref)?.ref;
  }
  return facts.marker?.ref;
};

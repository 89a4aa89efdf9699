import { clientConfigPath, hostCredentialPath, type DeployInstructions } from '../protocol/deploy-protocol.js';
import { join } from 'node:path';
import { formatBytes } from '../text/format.js';
import type { PlannedCommand } from '../sys/planned-command.js';
import { withDaemonAddress } from '../sys/rsync-pull.js';
import type { DeployFacts } from './facts.js';
import { installLogPath } from './install-log.js';
import { inToolbox, planBindMount, planImagePull, planModuleProbeCommand, planMountPoints, planOverridesPull, planNamespaceHolder, planTmpfsMount, planToolboxCopy, planToolboxUnmount } from './plan-commands.js';
import type { BootloaderStep, IdentityStep, OverridesStep, PreflightCheck, Step } from './steps.js';
import { swapFiles } from '../sys/fstab.js';
import { planBootCommands, type Firmware } from './plan-boot.js';
import { describeMissingMountPoints, identityKeptPaths, machineIdFile, planHostKeys, planTargetPseudoMounts, sshdProgram } from './plan-identity.js';
import { firstBootOwnedPaths, planFirstBoot } from './plan-first-boot.js';
import { deliveryOf } from './plan-deployed-state.js';
import { deployedStatePath } from '../protocol/deployed-state.js';
import { swapFilePatterns } from './swap-files.js';
import { buildToolboxExcludes } from './toolbox-excludes.js';
import { planTorrentFetch } from './torrent-plan.js';
import { withSlash } from './facts.js';

export interface PlanSettings {
  workDir: string;
  /** The server URL the runner was given (recorded beside the host credential). */
  server: string;
  /** @default 60 */
  ioTimeoutSeconds: number;
  /** Seconds a pull may print nothing before it is killed and retried (--stall-timeout). @default 90 */
  stallSeconds?: number;
  bwlimitKiB?: number;
  /** The bootloader phase: off with --no-bootloader; firmware and disks default to what the facts found. */
  boot: { enabled: boolean; firmware?: Firmware; disks?: string[] };
}

const mib = 1024 * 1024;
/** tmpfs pays at least one page per file, plus room for rsync's temp files while it runs. */
const tmpfsPerFileBytes = 4096;
const tmpfsSlackBytes = 64 * mib;
/** RAM the deploy needs besides the toolbox: node, rsync's file list of the image, page cache. */
export const memoryMarginBytes = 256 * mib;

/** Paths the runner itself owns on the target; the sync never touches them (/etc/rootcast/ holds the host credential). */
export const runnerOwnedPaths: readonly string[] = [
  `${installLogPath.replace(/[^/]+$/, '')}`, '/run/rootcast/', `${hostCredentialPath.replace(/[^/]+$/, '')}`,
  // The first-boot report (installed at enroll; a re-run's image pass must not delete it).
  ...firstBootOwnedPaths,
];

/** The target as the chroot sees it. */
export const chrootTargetDir = '/target';

export const toolboxSizeBytes = (rootCopy: DeployFacts['rootCopy']): number =>
  Math.ceil((rootCopy.bytes + rootCopy.files * tmpfsPerFileBytes + tmpfsSlackBytes) / mib) * mib;

/** The boot loader's disks: --boot-disk, else the disks under the target's root (an unknown one fails preflight). */
const bootDiskCheck = (instructions: DeployInstructions, facts: DeployFacts, settings: PlanSettings): PreflightCheck[] => {
  const firmware = settings.boot.firmware ?? facts.boot.firmware;
  if (!settings.boot.enabled || instructions.postDeploy === undefined || firmware === 'efi') return [];
  if (settings.boot.disks !== undefined) return [{ name: 'boot-disk', ok: true, detail: `BIOS boot loader onto ${settings.boot.disks.join(', ')} (--boot-disk)` }];
  if (facts.boot.disks.ok) return [{ name: 'boot-disk', ok: true, detail: `BIOS boot loader onto ${facts.boot.disks.disks.join(', ')} (the disks under ${facts.target})` }];
  return [{
    name: 'boot-disk',
    ok: false,
    detail: `cannot tell the boot disk: ${facts.boot.disks.problem}`,
    failure: {
      code: 'USAGE',
      message: `cannot tell which disk to install the boot loader on: ${facts.boot.disks.problem}`,
      hint: 'name it with --boot-disk /dev/sda (several: comma-separated), or pass --no-bootloader to leave the boot loader as it is',
    },
  }];
};

const planChecks = (instructions: DeployInstructions, facts: DeployFacts, tmpfsBytes: number, settings: PlanSettings): PreflightCheck[] => {
  const needed = tmpfsBytes + memoryMarginBytes;
  return [
    { name: 'server', ok: true, detail: `the server knows ${instructions.host} and sends ${instructions.ref}` },
    facts.targetMounted
      ? { name: 'target-mounted', ok: true, detail: `${facts.target} is a mount point` }
      : {
          name: 'target-mounted',
          ok: false,
          detail: `${facts.target} is not a mount point`,
          failure: {
            code: 'USAGE',
            message: `the target ${facts.target} is not a mounted filesystem`,
            hint: 'pass the installed system\'s root mount (e.g. /mnt/sysroot or /target), or "/" when running chrooted into it',
          },
        },
    facts.memAvailableBytes >= needed
      ? { name: 'memory', ok: true, detail: `${formatBytes(needed)} needed, ${formatBytes(facts.memAvailableBytes)} available` }
      : {
          name: 'memory',
          ok: false,
          detail: `${formatBytes(needed)} needed, ${formatBytes(facts.memAvailableBytes)} available`,
          failure: {
            code: 'NO_SPACE',
            message: `not enough RAM for the toolbox copy of the installed root: ${formatBytes(needed)} needed (${formatBytes(tmpfsBytes)} tmpfs + ${formatBytes(memoryMarginBytes)} margin), ${formatBytes(facts.memAvailableBytes)} available`,
            hint: 'give the machine more RAM, or install a smaller minimal package set (kickstart/ profiles)',
          },
        },
    ...bootDiskCheck(instructions, facts, settings),
  ];
};

/** The overrides pass from the host's module, when serve has layers for it. */
const planOverridesStep = (instructions: DeployInstructions, facts: DeployFacts, settings: PlanSettings): OverridesStep => {
  const overrides = instructions.overrides;
  if (overrides === undefined) return { kind: 'overrides', skipped: 'serve sent no override layers for this host' };
  return {
    kind: 'overrides',
    what: `override layers of ${instructions.host} (${overrides.layers.map((layer) => layer.layer).join(', ') || 'none'})`,
    pull: planOverridesPull(inToolbox(facts.toolbox), {
      source: withDaemonAddress(overrides.url, facts.rsyncAddress),
      destination: `${chrootTargetDir}/`,
      protect: [],
      filters: overrides.overridesFilters,
      ioTimeoutSeconds: settings.ioTimeoutSeconds,
      ...(settings.stallSeconds === undefined ? {} : { stallSeconds: settings.stallSeconds }),
      ...(settings.bwlimitKiB === undefined ? {} : { bwlimitKiB: settings.bwlimitKiB }),
    }),
  };
};

const planIdentityStep = (instructions: DeployInstructions, facts: DeployFacts): IdentityStep => {
  const targetDir = join(facts.toolbox, chrootTargetDir);
  const warning = instructions.imageMountPoints === undefined ? undefined : describeMissingMountPoints(instructions.imageMountPoints, facts.installedFstab);
  return {
    kind: 'identity',
    targetMounts: planTargetPseudoMounts(targetDir),
    machineIdFile: join(facts.target, machineIdFile),
    hostKeys: { when: join(facts.target, sshdProgram), command: planHostKeys({ targetDir }) },
    warnings: warning === undefined ? [] : [warning],
  };
};

const planBootloaderStep = (instructions: DeployInstructions, facts: DeployFacts, settings: PlanSettings): BootloaderStep => {
  if (!settings.boot.enabled) return { kind: 'bootloader', skipped: '--no-bootloader: the boot loader and initramfs are left as the sync made them' };
  if (instructions.postDeploy === undefined) return { kind: 'bootloader', skipped: 'serve sent no boot commands for this host (no distro profile)' };
  const firmware = settings.boot.firmware ?? facts.boot.firmware;
  const disks = firmware === 'efi' ? [] : settings.boot.disks ?? (facts.boot.disks.ok ? facts.boot.disks.disks : []);
  return {
    kind: 'bootloader',
    firmware,
    disks,
    commands: planBootCommands({ postDeploy: instructions.postDeploy, firmware, disks }, { targetDir: join(facts.toolbox, chrootTargetDir) }),
  };
};

/** The module probe, planned before the rest so it can start while the facts are read (see runDeploy). */
export interface ModuleProbe {
  command: PlannedCommand;
  what: string;
}

/** The image module as the probe and the sync reach it: the server's URL (user included) at the address resolved outside the chroot. */
export const planModuleProbe = (instructions: DeployInstructions, rsyncAddress: string): ModuleProbe & { source: string } => {
  const source = withDaemonAddress(instructions.rsync.url, rsyncAddress);
  return { source, command: planModuleProbeCommand(source), what: `image ${instructions.ref}` };
};

/** The whole deploy as data, every external program in it exactly as it will run: pure, so --dry-run prints what would run. */
export const planDeploy = (instructions: DeployInstructions, facts: DeployFacts, settings: PlanSettings): Step[] => {
  // The installer's machine id and host keys stay too: neither pass nor the torrent unpack may replace them.
  // So do its swap files: the kept fstab still names them, and the image pass's --delete would remove them.
  const installedSwap = swapFiles(facts.installedFstab);
  const protect = [...new Set([...instructions.keepPaths, ...runnerOwnedPaths, ...identityKeptPaths, ...swapFilePatterns(installedSwap)])];
  const torrent = planTorrentFetch({
    instructions,
    torrent: facts.torrent,
    memAvailableBytes: facts.memAvailableBytes,
    ramNeededBytes: toolboxSizeBytes(facts.rootCopy) + memoryMarginBytes,
    installedBytes: facts.rootCopy.bytes,
    server: settings.server,
    toolbox: facts.toolbox,
    chrootTarget: chrootTargetDir,
    keep: protect,
  });
  const tmpfsBytes = toolboxSizeBytes(facts.rootCopy) + torrent.extraTmpfsBytes;
  const probe = planModuleProbe(instructions, facts.rsyncAddress);
  const toolbox = facts.toolbox;
  const toolboxPath = (path: string): string => join(toolbox, path);
  const pseudo = ['/proc', '/sys', '/dev'];
  const targetRoot = toolboxPath(chrootTargetDir);
  const mounts = [
    // These all live in the tmpfs, so one mkdir makes them; one spawn each costs a few ms.
    planMountPoints([...pseudo.map(toolboxPath), targetRoot]),
    ...pseudo.map((dir) => planBindMount(dir, toolboxPath(dir), true)),
    // Non-recursive: the target's pseudo mounts stay out, its real filesystems are bound one by one,
    // each mount point made once its parent is bound (it is on the target, or made there).
    planBindMount(facts.target, targetRoot, false),
    ...facts.submounts.flatMap((sub) => [planMountPoints([toolboxPath(join(chrootTargetDir, sub))]), planBindMount(join(facts.target, sub), toolboxPath(join(chrootTargetDir, sub)), false)]),
  ];
  return [
    { kind: 'preflight', checks: [...planChecks(instructions, facts, tmpfsBytes, settings), ...(torrent.check === undefined ? [] : [torrent.check])], probe: probe.command, what: probe.what },
    {
      kind: 'ram-copy',
      toolbox,
      tmpfsBytes,
      namespace: planNamespaceHolder(),
      mountTmpfs: planTmpfsMount(toolbox, tmpfsBytes),
      copy: planToolboxCopy(withSlash(facts.target), toolbox, buildToolboxExcludes(facts.target, settings.workDir, installedSwap)),
    },
    { kind: 'mount', commands: mounts },
    {
      kind: 'sync-image',
      what: probe.what,
      pull: planImagePull(inToolbox(toolbox), {
        source: probe.source,
        destination: `${chrootTargetDir}/`,
        protect,
        filters: instructions.overrides?.imageFilters ?? [],
        ioTimeoutSeconds: settings.ioTimeoutSeconds,
        ...(settings.stallSeconds === undefined ? {} : { stallSeconds: settings.stallSeconds }),
        ...(settings.bwlimitKiB === undefined ? {} : { bwlimitKiB: settings.bwlimitKiB }),
      }),
      transport: torrent.transport,
    },
    planOverridesStep(instructions, facts, settings),
    planIdentityStep(instructions, facts),
    planBootloaderStep(instructions, facts, settings),
    {
      kind: 'enroll',
      server: settings.server,
      credentialFile: join(facts.target, hostCredentialPath),
      clientFile: join(facts.target, clientConfigPath),
      firstBoot: planFirstBoot(settings.server, facts.target),
      deployedStateFile: join(facts.target, deployedStatePath),
      host: instructions.host,
      delivery: deliveryOf(instructions, 'install'),
    },
    { kind: 'cleanup', toolbox, unmount: planToolboxUnmount(toolbox) },
  ];
};

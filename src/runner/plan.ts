import { clientConfigPath, hostCredentialPath, type DeployInstructions } from '../protocol/deploy-protocol.js';
import { join } from 'node:path';
import { formatBytes } from '../text/format.js';
import type { PlannedCommand } from '../sys/planned-command.js';
import { withDaemonAddress } from '../sys/rsync-pull.js';
import type { DeployFacts } from './facts.js';
import { installLogPath } from './install-log.js';
import { planBindMount, planImagePull, planModuleProbeCommand, planMountPoints, planTmpfsMount, planToolboxCopy, planToolboxUnmount } from './plan-commands.js';
import type { PreflightCheck, Step } from './steps.js';
import { buildToolboxExcludes } from './toolbox-excludes.js';
import { planTorrentFetch } from './torrent-plan.js';
import { withSlash } from './facts.js';

export interface PlanSettings {
  workDir: string;
  /** The server URL the runner was given (recorded beside the host credential). */
  server: string;
  /** @default 60 */
  ioTimeoutSeconds: number;
  bwlimitKiB?: number;
}

const mib = 1024 * 1024;
/** tmpfs pays at least one page per file, plus room for rsync's temp files while it runs. */
const tmpfsPerFileBytes = 4096;
const tmpfsSlackBytes = 64 * mib;
/** RAM the deploy needs besides the toolbox: node, rsync's file list of the image, page cache. */
export const memoryMarginBytes = 256 * mib;

/** Paths the runner itself owns on the target; the sync never touches them (/etc/rootcast/ holds the host credential). */
export const runnerOwnedPaths: readonly string[] = [`${installLogPath.replace(/[^/]+$/, '')}`, '/run/rootcast/', `${hostCredentialPath.replace(/[^/]+$/, '')}`];

/** The target as the chroot sees it. */
export const chrootTargetDir = '/target';

export const toolboxSizeBytes = (rootCopy: DeployFacts['rootCopy']): number =>
  Math.ceil((rootCopy.bytes + rootCopy.files * tmpfsPerFileBytes + tmpfsSlackBytes) / mib) * mib;

const planChecks = (instructions: DeployInstructions, facts: DeployFacts, tmpfsBytes: number): PreflightCheck[] => {
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
            code: 'INVALID_ARGUMENT',
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
  ];
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
  const protect = [...new Set([...instructions.keepPaths, ...runnerOwnedPaths])];
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
  const inToolbox = (path: string): string => join(toolbox, path);
  const pseudo = ['/proc', '/sys', '/dev'];
  const targetRoot = inToolbox(chrootTargetDir);
  const mounts = [
    // These all live in the tmpfs, so one mkdir makes them; one spawn each costs a few ms.
    planMountPoints([...pseudo.map(inToolbox), targetRoot]),
    ...pseudo.map((dir) => planBindMount(dir, inToolbox(dir), true)),
    // Non-recursive: the target's pseudo mounts stay out, its real filesystems are bound one by one,
    // each mount point made once its parent is bound (it is on the target, or made there).
    planBindMount(facts.target, targetRoot, false),
    ...facts.submounts.flatMap((sub) => [planMountPoints([inToolbox(join(chrootTargetDir, sub))]), planBindMount(join(facts.target, sub), inToolbox(join(chrootTargetDir, sub)), false)]),
  ];
  return [
    { kind: 'preflight', checks: [...planChecks(instructions, facts, tmpfsBytes), ...(torrent.check === undefined ? [] : [torrent.check])], probe: probe.command, what: probe.what },
    {
      kind: 'ram-copy',
      toolbox,
      tmpfsBytes,
      mountTmpfs: planTmpfsMount(toolbox, tmpfsBytes),
      copy: planToolboxCopy(withSlash(facts.target), toolbox, buildToolboxExcludes(facts.target, settings.workDir)),
    },
    { kind: 'mount', commands: mounts },
    {
      kind: 'sync-image',
      what: probe.what,
      pull: planImagePull(toolbox, {
        source: probe.source,
        destination: `${chrootTargetDir}/`,
        protect,
        ioTimeoutSeconds: settings.ioTimeoutSeconds,
        ...(settings.bwlimitKiB === undefined ? {} : { bwlimitKiB: settings.bwlimitKiB }),
      }),
      transport: torrent.transport,
    },
    { kind: 'overrides', reason: 'override layers are applied by a later rootcast version' },
    { kind: 'identity', reason: 'host identity is applied by a later rootcast version' },
    { kind: 'enroll', server: settings.server, credentialFile: join(facts.target, hostCredentialPath), clientFile: join(facts.target, clientConfigPath) },
    { kind: 'cleanup', toolbox, unmount: planToolboxUnmount(toolbox) },
  ];
};

import { clientConfigPath, hostCredentialPath, type DeployInstructions } from '../protocol/deploy-protocol.js';
import { buildDaemonUrl } from '../sys/rsync-pull.js';
import type { DeployFacts } from './facts.js';
import { installLogPath } from './install-log.js';
import type { PreflightCheck, PreflightStep, Step, ToolboxMount } from './steps.js';
import { formatBytes } from '../text/format.js';
import { buildToolboxExcludes } from './toolbox-excludes.js';
import { planTorrentFetch } from './torrent-plan.js';
import { withSlash } from './facts.js';
import { join } from 'node:path';

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

/** The image module as the probe and the sync reach it (the host replaced by the address resolved outside the chroot). */
export const planModuleProbe = (instructions: DeployInstructions, rsyncAddress: string): PreflightStep['probe'] => ({
  source: buildDaemonUrl(instructions.rsync.url, instructions.rsync.user, rsyncAddress),
  what: `image ${instructions.ref}`,
});

/** The whole deploy as data: pure, so --dry-run prints exactly what would run. */
export const planDeploy = (instructions: DeployInstructions, facts: DeployFacts, settings: PlanSettings): Step[] => {
  const protect = [...new Set([...instructions.keepPaths, ...runnerOwnedPaths])];
  const torrent = planTorrentFetch({
    instructions,
    torrent: facts.torrent,
    memAvailableBytes: facts.memAvailableBytes,
    ramNeededBytes: toolboxSizeBytes(facts.rootCopy) + memoryMarginBytes,
    installedBytes: facts.rootCopy.bytes,
    server: settings.server,
    chrootTarget: chrootTargetDir,
    keep: protect,
  });
  const tmpfsBytes = toolboxSizeBytes(facts.rootCopy) + torrent.extraTmpfsBytes;
  const { source, what } = planModuleProbe(instructions, facts.rsyncAddress);
  const toolbox = facts.toolbox;
  const inToolbox = (path: string): string => join(toolbox, path);
  const mounts: ToolboxMount[] = [
    ...['/proc', '/sys', '/dev'].map((dir) => ({ source: dir, target: inToolbox(dir), recursive: true })),
    // Non-recursive: the target's pseudo mounts stay out, its real filesystems are bound one by one.
    { source: facts.target, target: inToolbox(chrootTargetDir), recursive: false },
    ...facts.submounts.map((sub) => ({ source: join(facts.target, sub), target: inToolbox(join(chrootTargetDir, sub)), recursive: false })),
  ];
  return [
    { kind: 'preflight', checks: [...planChecks(instructions, facts, tmpfsBytes), ...(torrent.check === undefined ? [] : [torrent.check])], probe: { source, what } },
    { kind: 'ram-copy', source: withSlash(facts.target), toolbox, tmpfsBytes, excludes: buildToolboxExcludes(facts.target, settings.workDir) },
    { kind: 'mount', mounts },
    {
      kind: 'sync-image',
      toolbox,
      source,
      what,
      destination: `${chrootTargetDir}/`,
      protect,
      ioTimeoutSeconds: settings.ioTimeoutSeconds,
      transport: torrent.transport,
      ...(settings.bwlimitKiB === undefined ? {} : { bwlimitKiB: settings.bwlimitKiB }),
    },
    { kind: 'overrides', reason: 'override layers are applied by a later rootcast version' },
    { kind: 'identity', reason: 'host identity is applied by a later rootcast version' },
    { kind: 'enroll', server: settings.server, credentialFile: join(facts.target, hostCredentialPath), clientFile: join(facts.target, clientConfigPath) },
    { kind: 'cleanup', toolbox },
  ];
};

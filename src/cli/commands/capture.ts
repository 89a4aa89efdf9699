import type { Command } from '@commander-js/extra-typings';
import { describeSource } from '../../capture/source-spec.js';
import { readExcludeFile } from '../../capture/exclude-file.js';
import { runCapture, type CaptureOutcome } from '../../capture/run-capture.js';
import { defaultKnownHostsFile } from '../../capture/ssh-credentials.js';
import { parseSshSource, type CaptureSource } from '../../capture/source-spec.js';
import { defaultSettleRepulls, parseSettleRepulls } from '../../capture/settle.js';
import { formatCapturePlan, formatCaptureSummary, formatCaptureWarnings, formatSecretWarnings } from '../../capture/summary.js';
import { RootcastError } from '../../errors/rootcast-error.js';
import { assertImageName } from '../../image/name.js';
import { checkOptionValue } from '../../inventory/arguments.js';
import { buildContext, type ContextSeed } from '../context.js';
import { printResult } from '../output.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const chooseSource = (spec: string | undefined, fromDir: string | undefined): CaptureSource => {
  if (spec !== undefined && fromDir !== undefined) {
    throw new RootcastError('USAGE', `give either a source (${spec}) or --from-dir, not both`);
  }
  if (fromDir !== undefined) return { kind: 'dir', path: fromDir };
  if (spec === undefined) {
    throw new RootcastError('USAGE', 'nothing to capture: give USER@HOST[:PORT] or --from-dir DIR', {
      hint: 'rootcast capture root@golden --image web',
    });
  }
  return parseSshSource(spec);
};

/** SIGINT/SIGTERM stop rsync and drop the staging directory instead of leaving half a version. */
const withInterruptSignal = async <T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> => {
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
};

export const registerCaptureCommand = (program: Command, seed: ContextSeed): void => {
  program
    .command('capture')
    .description('pull a golden client (over SSH + rsync) or a local root tree into a new version of an image')
    .argument('[source]', 'USER@HOST[:PORT] of the golden client (USER defaults to root)')
    .requiredOption('--image <name>', 'image to add a version to (created on first capture)')
    .option('--from-dir <dir>', 'capture a root tree on local disk (debootstrap, dnf --installroot, mkosi) instead of a host')
    .option('--ssh-key <file>', 'private key for root on the golden client (default: ssh-agent and ~/.ssh/id_*)')
    .option('--known-hosts <file>', 'known_hosts file to verify the golden client against (default: ~/.ssh/known_hosts)')
    .option('--accept-new-host-key', 'trust an unknown host key on first use and record it in known_hosts')
    .option('--exclude <pattern>', 'rsync pattern to leave out (repeatable), anchored at "/" when it starts with "/"', collect, [] as string[])
    .option('--exclude-file <file>', 'file with one exclude pattern per line ("#" comments)')
    .option('--include <pattern>', 're-include something a default exclude drops (repeatable)', collect, [] as string[])
    .option('--no-default-excludes', 'do not apply the default excludes (see docs/capture.md)')
    .option('--settle <n>', 'after the pull, re-pull files that changed while it read them, up to N times (0: off; docs/capture.md)', String(defaultSettleRepulls))
    .option('--dry-run', 'inspect the source and print the plan with every command it would run; change nothing')
    .action(async (spec, options, command) => {
      // A capture half-written into staging would be left behind: it finishes (or fails) on its own.
      seed.closedOutput?.outlive();
      const ctx = buildContext(command, seed);
      const image = checkOptionValue('--image', () => assertImageName(options.image));
      const source = chooseSource(spec, options.fromDir);
      const settleRepulls = parseSettleRepulls(options.settle);
      const fileExcludes = options.excludeFile === undefined ? [] : await readExcludeFile(options.excludeFile);
      const outcome: CaptureOutcome = await withInterruptSignal((signal) =>
        runCapture(
          {
            image,
            source,
            userExcludes: [...options.exclude, ...fileExcludes],
            includes: options.include,
            useDefaultExcludes: options.defaultExcludes,
            knownHostsFile: options.knownHosts ?? defaultKnownHostsFile(ctx.env),
            sshKey: options.sshKey,
            acceptNewHostKey: options.acceptNewHostKey === true,
            dryRun: options.dryRun === true,
            progress: ctx.stderr.isTTY === true && !ctx.json,
            settleRepulls,
          },
          { paths: ctx.paths, exec: ctx.exec, env: ctx.env, now: ctx.now, monotonicMs: () => performance.now(), signal },
        ),
      );
      if (outcome.kind === 'dry-run') {
        printResult(ctx, { dryRun: true, source: describeSource(outcome.plan.source), plan: outcome.plan, inspection: outcome.inspection }, () =>
          formatCapturePlan(outcome.plan, outcome.inspection),
        );
        return;
      }
      const { manifest, stats, settle, warnings, elapsedMs, timingsMs } = outcome;
      printResult(ctx, { manifest, stats, settle, warnings, elapsedMs, timingsMs }, () => formatCaptureSummary(outcome));
      if (!ctx.json) ctx.stderr.write(formatCaptureWarnings(warnings) + formatSecretWarnings(manifest.secrets));
    });
};

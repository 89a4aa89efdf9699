import type { Command } from '@commander-js/extra-typings';
import { applyPublish, planPublish, type PublishOutcome } from '../../payload/publish.js';
import { dryRunNote, formatBytes } from '../../text/format.js';
import { buildContext, type ContextSeed } from '../context.js';
import { printResult } from '../output.js';

const renderPublish = (outcome: PublishOutcome): string => {
  switch (outcome.kind) {
    case 'planned': {
      const { plan } = outcome;
      const what = plan.existing === undefined || plan.force ? 'would build' : 'already published; would keep';
      return dryRunNote(`${what} ${plan.files.archive} and ${plan.files.torrentName} for ${plan.version.ref}`);
    }
    case 'existing':
    case 'built': {
      const { record } = outcome;
      const head = outcome.kind === 'built' ? `published ${outcome.ref} in ${outcome.seconds.toFixed(1)} s` : `${outcome.ref} is already published`;
      return [
        `${head}: ${outcome.files.archive}`,
        `  ${formatBytes(record.bytes)} (zstd -${record.zstdLevel}), sha256 ${record.sha256}`,
        `  torrent ${outcome.files.torrentName}: info hash ${record.infoHash}, ${Math.ceil(record.bytes / record.pieceLength)} pieces of ${formatBytes(record.pieceLength)}`,
      ].join('\n');
    }
  }
};

/** `rootcast image publish REF`: the version as one reproducible tar.zst with its torrent, for BitTorrent installs. */
export const registerImagePublish = (image: Command, seed: ContextSeed): void => {
  image
    .command('publish')
    .description('build the version\'s payload for torrent installs: a reproducible tar.zst, its .torrent and its digest in the manifest')
    .argument('<ref>', 'web, web@8 or web@stable')
    .option('--force', 'rebuild even when the version is already published')
    .option('--dry-run', 'say what would be built and build nothing')
    .action(async (ref, options, command) => {
      const ctx = buildContext(command, seed);
      const plan = await planPublish(ctx.paths, ref, options.force === true);
      const outcome: PublishOutcome = options.dryRun === true ? { kind: 'planned', plan } : await applyPublish(ctx.paths, plan, { exec: ctx.exec, now: ctx.now });
      printResult(ctx, outcome, renderPublish);
    });
};

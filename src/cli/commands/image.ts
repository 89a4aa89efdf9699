import type { Command } from '@commander-js/extra-typings';
import { buildDiffReport, renderDiffReport } from '../../image/diff-report.js';
import { applyCopy, applyMove, planCopy, planMove } from '../../image/copy-move.js';
import { describeVersion, summariseImages, summariseVersions } from '../../image/image-summary.js';
import { applyRemovalLocked, planPruneRun, planRemove } from '../../image/remove.js';
import { renderImageList, renderPrune, renderRemoval, renderVersionDetails, renderVersionList } from '../../image/report-text.js';
import { runImageShell, type ShellOutcome } from '../../image/shell.js';
import { formatPlannedCommandLines } from '../../sys/planned-command.js';
import { unmadeStagingName } from '../../image/shell-plan.js';
import { applyTag, planTagDelete, planTagSet, type TagPlan } from '../../image/tag.js';
import { textDiffs } from '../../image/text-diff.js';
import { diffTrees } from '../../image/tree-diff.js';
import { resolveImageRef } from '../../image/versions.js';
import { buildContext, type ContextSeed } from '../context.js';
import { printResult } from '../output.js';
import { registerImagePublish } from './image-publish.js';
import { dryRunNote } from '../../text/format.js';

const renderTag = (plan: TagPlan, dryRun: boolean): string => {
  const text =
    plan.to === undefined
      ? `deleted tag ${plan.image}@${plan.tag} (was ${plan.image}@${plan.from})`
      : plan.from === undefined
        ? `tagged ${plan.image}@${plan.to} as ${plan.tag} (new tag)`
        : `tag ${plan.image}@${plan.tag}: ${plan.from} → ${plan.to}`;
  return dryRun ? dryRunNote(text) : text;
};

const renderShell = (outcome: ShellOutcome): string => {
  switch (outcome.kind) {
    case 'planned':
      return [
        dryRunNote(`would open ${outcome.plan.command === '' ? 'an interactive shell' : `"${outcome.plan.command}"`} on ${outcome.plan.base.ref} through an overlay in ${outcome.plan.stagingDir}`),
        `and commit the changes as a new version (${unmadeStagingName}: named when it runs); the one program it runs (its script mounts, chroots, unmounts and commits):`,
        ...formatPlannedCommandLines(outcome.plan.session, '  '),
      ].join('\n');
    case 'unchanged':
      return `no changes; no new version (${outcome.base} unchanged)`;
    case 'committed':
      return `committed ${outcome.ref} (${outcome.changes} change(s) on top of ${outcome.base})`;
  }
};

/** `rootcast image <verb>`: the versioned image store. */
export const registerImageCommands = (program: Command, seed: ContextSeed): void => {
  const image = program.command('image').description('list, inspect, compare, tag, copy, edit and publish images (web, web@3, web@stable)');

  image
    .command('list')
    .description('images with their versions and tags; with NAME, the versions of one image')
    .argument('[name]', 'one image')
    .action(async (name, _options, command) => {
      const ctx = buildContext(command, seed);
      if (name === undefined) printResult(ctx, await summariseImages(ctx.paths), (rows) => renderImageList(rows, ctx.paths.imagesDir));
      else printResult(ctx, await summariseVersions(ctx.paths, name), renderVersionList);
    });

  image
    .command('show')
    .description('one version: its manifest summarised, tags and hosts running it')
    .argument('<ref>', 'web, web@3 or web@stable')
    .action(async (ref, _options, command) => {
      const ctx = buildContext(command, seed);
      printResult(ctx, await describeVersion(ctx.paths, ref), renderVersionDetails);
    });

  image
    .command('diff')
    .description('added, removed and changed files between two versions')
    .argument('<from>', 'e.g. web@2')
    .argument('<to>', 'e.g. web@3')
    .option('--text', 'also show unified diffs of changed text files (private ones, not world-readable, are named, not shown)')
    .action(async (fromRef, toRef, options, command) => {
      const ctx = buildContext(command, seed);
      const from = await resolveImageRef(ctx.paths, fromRef);
      const to = await resolveImageRef(ctx.paths, toRef);
      const changes = await diffTrees(from.root, to.root);
      const text = options.text === true ? await textDiffs(from.root, to.root, changes) : undefined;
      printResult(ctx, buildDiffReport(from.ref, to.ref, changes, text), renderDiffReport);
    });

  image
    .command('tag')
    .description('point TAG at a version (moving it if it exists); --delete NAME TAG removes it')
    .argument('<ref>', 'the version to tag (web@3), or the image name with --delete')
    .argument('<tag>', 'e.g. stable')
    .option('--delete', 'delete the tag instead')
    .option('--dry-run', 'print what would change and change nothing')
    .action(async (ref, tag, options, command) => {
      const ctx = buildContext(command, seed);
      const plan = options.delete === true ? await planTagDelete(ctx.paths, ref, tag) : await planTagSet(ctx.paths, ref, tag);
      const dryRun = options.dryRun === true;
      if (!dryRun && plan.from !== plan.to) await applyTag(ctx.paths, plan);
      printResult(ctx, { ...plan, dryRun }, (p) => renderTag(p, dryRun));
    });

  image
    .command('rm')
    .description('remove one version (web@2), or a whole image with --all; tagged or deployed versions need --force')
    .argument('<ref>', 'web@2, web@stable, or web with --all')
    .option('--all', 'remove the whole image: every version and tag')
    .option('--force', 'remove even tagged or deployed versions (drops the tags)')
    .option('--dry-run', 'print what would be removed and remove nothing')
    .action(async (ref, options, command) => {
      const ctx = buildContext(command, seed);
      const force = options.force === true;
      const planned = await planRemove(ctx.paths, ref, { all: options.all === true, force });
      const dryRun = options.dryRun === true;
      // Report what was applied: re-planned under the lock, it may drop a tag set meanwhile.
      const plan = dryRun ? planned : await applyRemovalLocked(ctx.paths, planned, force);
      printResult(ctx, { ...plan, dryRun }, (p) => renderRemoval(p, dryRun));
    });

  image
    .command('prune')
    .description('remove old versions, keeping the newest N plus every tagged or deployed one')
    .argument('<name>', 'the image')
    .requiredOption('--keep <n>', 'how many of the newest versions to keep (0: only those tagged or deployed)')
    .option('--dry-run', 'print what would go and what stays, and remove nothing')
    .action(async (name, options, command) => {
      const ctx = buildContext(command, seed);
      const planned = await planPruneRun(ctx.paths, name, options.keep);
      const dryRun = options.dryRun === true;
      const plan = dryRun ? planned : { ...planned, removal: await applyRemovalLocked(ctx.paths, planned.removal, false) };
      printResult(ctx, { ...plan, dryRun }, (p) => renderPrune(p, dryRun));
    });

  image
    .command('cp')
    .description('copy a version into a new image (version 1; files hard-linked, so it costs almost nothing)')
    .argument('<ref>', 'the version to copy (web@3)')
    .argument('<new-name>', 'a name no image has yet')
    .option('--dry-run', 'print what would be copied and copy nothing')
    .action(async (ref, newName, options, command) => {
      const ctx = buildContext(command, seed);
      const { plan, source } = await planCopy(ctx.paths, ref, newName);
      const dryRun = options.dryRun === true;
      if (!dryRun) await applyCopy(ctx.paths, ctx.exec, ctx.now, source, plan);
      printResult(ctx, { ...plan, dryRun }, (p) => (dryRun ? dryRunNote(`would copy ${p.from} → ${p.to}`) : `copied ${p.from} → ${p.to} (files hard-linked)`));
    });

  image
    .command('mv')
    .description('rename an image (all versions and tags)')
    .argument('<old>', 'the image')
    .argument('<new>', 'a name no image has yet')
    .option('--force', 'rename even when hosts record the old name as deployed')
    .option('--dry-run', 'print the rename and change nothing')
    .action(async (oldName, newName, options, command) => {
      const ctx = buildContext(command, seed);
      const plan = await planMove(ctx.paths, oldName, newName, options.force === true);
      const dryRun = options.dryRun === true;
      if (!dryRun) await applyMove(ctx.paths, plan);
      const text = `renamed image ${plan.from} → ${plan.to} (${plan.versions.length} version(s))`;
      printResult(ctx, { ...plan, dryRun }, () => (dryRun ? dryRunNote(`would have ${text}`) : text));
    });

  image
    .command('shell')
    .description('chroot into a version through an overlay; changes become a new version (the base is never edited)')
    .argument('<ref>', 'the version to start from (web, web@3, web@stable)')
    .option('--command <cmd>', 'run CMD with /bin/sh -c instead of an interactive shell')
    .option('--dry-run', 'print the one command it would run (its script mounts, chroots and commits) and run nothing')
    .action(async (ref, options, command) => {
      const ctx = buildContext(command, seed);
      const outcome = await runImageShell(
        {
          paths: ctx.paths,
          exec: ctx.exec,
          now: ctx.now,
          showOutput: (stdout, stderr) => {
            (ctx.json ? ctx.stderr : ctx.stdout).write(stdout);
            ctx.stderr.write(stderr);
          },
        },
        { ref, command: options.command, term: ctx.env['TERM'], dryRun: options.dryRun === true },
      );
      printResult(ctx, outcome, renderShell);
    });
  registerImagePublish(image, seed);
};

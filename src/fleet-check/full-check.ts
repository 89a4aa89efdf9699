import { loadAnswerAssets, type AnswerAssets } from '../answer/answer-assets.js';
import type { HomePaths } from '../home/paths.js';
import { answerFileIssues } from './answer-check.js';
import { identityIssues } from './identity-check.js';
import { imagelessHostIssues } from './image-check.js';
import { overrideLayerIssues } from './override-layers.js';
import { imageRefIssues, imageRefsOf, readRefResolutions } from '../inventory/image-refs.js';
import { formatIssue, type InventoryIssue, type InventoryReport } from '../inventory/issue.js';
import { plainValue, type CheckedText, type Locator } from '../inventory/source.js';
import { resolveHosts } from '../inventory/resolve.js';
import { locateIssues } from '../inventory/validate.js';
import type { IntroducedWarnings } from '../inventory/apply-edit.js';

/** What the checks beyond the file itself need: answer-file assets and the image store. */
export interface StoreCheckContext {
  paths: HomePaths;
  storeImages: readonly string[];
  /** @default the profiles and templates rootcast ships */
  assets?: AnswerAssets;
}

/** Issues of one check with what they break (said in an edit's warning). */
interface IssueGroup {
  consequence: string;
  issues: InventoryIssue[];
}

/** Reads the store, then checks (pure); each check's issues with what they break. */
const fleetIssueGroups = async (checked: CheckedText, context: StoreCheckContext): Promise<IssueGroup[]> => {
  const refs = await readRefResolutions(context.paths, imageRefsOf(checked.inventory), context.storeImages);
  const assets = context.assets ?? (await loadAnswerAssets());
  return [
    { consequence: 'answer files will fail', issues: imageRefIssues(checked.inventory, refs) },
    { consequence: 'answer files will fail', issues: imagelessHostIssues(resolveHosts(checked.inventory)) },
    { consequence: 'answer files will fail', issues: answerFileIssues({ inventory: checked.inventory, root: plainValue(checked.source), assets, refs }) },
    // Layer directories of hosts or groups the inventory lacks: render, explain and serve refuse them.
    { consequence: 'render, explain and deploys will fail', issues: await overrideLayerIssues(context.paths.overridesDir, checked.inventory) },
    { consequence: 'deploying will fail', issues: await identityIssues(context.paths, resolveHosts(checked.inventory), refs) },
  ];
};

/**
 * What commands would reject later although the file itself is valid: image versions or tags missing
 * from the store, hosts without an image, every host's answer file failing to render, override layers of unknown hosts or groups,
 * and identities serve could not plan.
 */
export const storeAndAnswerIssues = async (checked: CheckedText, context: StoreCheckContext): Promise<InventoryIssue[]> =>
  (await fleetIssueGroups(checked, context)).flatMap((group) => group.issues);

/** `inventory check`: the file's own errors and warnings plus everything answer files and the store would refuse. */
export const checkInventoryFully = async (checked: CheckedText & InventoryReport, context: StoreCheckContext, locate: Locator): Promise<InventoryReport> =>
  locateIssues([...checked.errors, ...checked.warnings, ...(await storeAndAnswerIssues(checked, context))], locate);

const withoutLine = (issue: InventoryIssue): string => formatIssue({ ...issue, line: undefined } as InventoryIssue);

/**
 * The store and answer-file problems an edit introduces, as warnings: the file stays valid (other
 * edits may fix them, e.g. adding `server:` after the hosts), but the user hears about them now.
 */
export const newStoreAndAnswerWarnings = async (before: CheckedText, after: CheckedText, context: StoreCheckContext, locate: Locator): Promise<InventoryIssue[]> => {
  const loaded = { ...context, assets: context.assets ?? (await loadAnswerAssets()) };
  const [old, now] = await Promise.all([storeAndAnswerIssues(before, loaded), fleetIssueGroups(after, loaded)]);
  const known = new Set(old.map(withoutLine));
  const added = now.flatMap(({ consequence, issues }) =>
    issues
      .filter((issue) => !known.has(withoutLine(issue)))
      .map((issue): InventoryIssue => ({ ...issue, severity: 'warning', message: issue.severity === 'error' ? `${consequence}: ${issue.message}` : issue.message })),
  );
  const { warnings } = locateIssues(added, locate);
  return warnings;
};

/** The fleet check as an inventory edit's warning source (`applyInventoryEdit`'s `introducedWarnings`). */
export const fleetEditWarnings = (paths: HomePaths): IntroducedWarnings => (before, after, { storeImages, locate }) =>
  newStoreAndAnswerWarnings(before, after, { paths, storeImages }, locate);

import { RootcastError } from '../errors/rootcast-error.js';
import type { EntryType } from '../image/tree-diff.js';
import type { ImageObject } from './image-view.js';
import { ancestorsOf, isBelow } from './layer-entry.js';
import { layerLabel } from './layer-id.js';
import type { HiddenEntry, LayerObject, MergedTree, Removal } from './merged-tree.js';

/** What the image has at the path: an object, nothing, or not looked at (the host's image is not in the store). */
export type ImageAtPath = { kind: 'present'; type: EntryType } | { kind: 'absent' } | { kind: 'unknown' };

/** The answer to "where does this path of the host come from?" */
export type Explanation =
  | { kind: 'provided'; path: string; by: LayerObject; template: boolean; shadows: LayerObject[]; opaqueBy?: LayerObject; imageHidden: boolean; image: ImageAtPath }
  | { kind: 'hidden'; path: string; hidden: HiddenEntry; image: ImageAtPath }
  | { kind: 'deleted'; path: string; removal: Removal; image: ImageAtPath }
  | { kind: 'replaced'; path: string; by: LayerObject & { path: string }; image: ImageAtPath }
  | { kind: 'image'; path: string; image: ImageAtPath };

/** "etc//motd/" → "/etc/motd"; "." and ".." are refused (a path of the tree, not a path to resolve). */
export const normaliseTreePath = (text: string): string => {
  const parts = text.split('/').filter((part) => part !== '');
  if (parts.some((part) => part === '.' || part === '..')) {
    throw new RootcastError('USAGE', `path "${text}" contains "." or ".." components`, { hint: 'give the path as the host sees it, e.g. /etc/motd' });
  }
  return parts.length === 0 ? '' : `/${parts.join('/')}`;
};

/** The image object at `path` as a view lookup result (undefined view: image not looked at). */
export const imageAtPath = (view: ReadonlyMap<string, ImageObject> | undefined, path: string): ImageAtPath => {
  if (view === undefined) return { kind: 'unknown' };
  const object = view.get(path);
  return object === undefined ? { kind: 'absent' } : { kind: 'present', type: object.type };
};

/** Pure: explains one path of a host's merged tree (`path` normalised, "" for the root). */
export const explainPath = (tree: MergedTree, path: string, image: ImageAtPath): Explanation => {
  const entry = tree.entries.find((candidate) => candidate.path === path);
  if (entry !== undefined) {
    return {
      kind: 'provided',
      path,
      by: { layer: entry.layer, source: entry.entry.path, type: entry.entry.type },
      template: entry.template,
      shadows: entry.shadows,
      ...(entry.opaqueBy === undefined ? {} : { opaqueBy: entry.opaqueBy }),
      imageHidden: entry.imageHidden,
      image,
    };
  }
  const hidden = tree.hidden.find((candidate) => candidate.path === path);
  if (hidden !== undefined) return { kind: 'hidden', path, hidden, image };
  const removal = tree.removals.find((candidate) => (candidate.kind === 'whiteout' ? candidate.path === path || isBelow(path, candidate.path) : isBelow(path, candidate.path)));
  if (removal !== undefined) return { kind: 'deleted', path, removal, image };
  const replacing = ancestorsOf(path)
    .map((dir) => tree.entries.find((candidate) => candidate.path === dir && candidate.entry.type !== 'dir'))
    .find((candidate) => candidate !== undefined);
  if (replacing !== undefined) return { kind: 'replaced', path, by: { layer: replacing.layer, source: replacing.entry.path, type: replacing.entry.type, path: replacing.path }, image };
  return { kind: 'image', path, image };
};

const objectText = (object: LayerObject): string => `${layerLabel(object.layer)}:${object.source}`;

const imageText = (image: ImageAtPath, ref: string): string =>
  image.kind === 'unknown' ? `${ref} is not in the store` : image.kind === 'absent' ? `${ref} has nothing there` : `${ref} has a ${image.type} there`;

const providedOverImage = (e: Extract<Explanation, { kind: 'provided' }>, imageType: EntryType): string => {
  if (e.by.type !== 'dir' || imageType !== 'dir') return 'replaced';
  if (e.imageHidden) return 'hidden by a whiteout, an opaque directory or a replacement at or above it: this directory holds only what the layers put there';
  return e.opaqueBy === undefined ? "merged; the directory keeps the image's owner, mode and times" : "the directory keeps the image's owner, mode and times";
};

/** The explanation as --json prints it: layers as their labels (`group/web`). */
export const explanationJson = (explanation: Explanation): unknown =>
  JSON.parse(JSON.stringify(explanation, (key, value: unknown) => (key === 'layer' && typeof value === 'object' && value !== null ? layerLabel(value as LayerObject['layer']) : value)));

const describers: { [K in Explanation['kind']]: (explanation: Extract<Explanation, { kind: K }>, ref: string) => string[] } = {
  provided: (e, ref) => [
    `${e.path || '/'}: ${e.by.type}${e.template ? ', rendered from the template' : ''} from ${objectText(e.by)}`,
    ...(e.shadows.length === 0 ? [] : [`  shadows ${e.shadows.map(objectText).join(', ')}`]),
    ...(e.opaqueBy === undefined ? [] : [`  opaque: ${objectText(e.opaqueBy)} hides the lower layers' and the image's content of this directory`]),
    `  image: ${imageText(e.image, ref)}${e.image.kind === 'present' ? ` (${providedOverImage(e, e.image.type)})` : ''}`,
  ],
  hidden: (e, ref) => [
    `${e.path}: not in the tree: ${objectText(e.hidden.object)} is hidden by ${e.hidden.by.kind === 'opaque' ? 'the opaque directory' : e.hidden.by.kind === 'whiteout' ? 'the whiteout of' : 'the non-directory at'} ${e.hidden.by.path} (${objectText(e.hidden.by)})`,
    `  image: ${imageText(e.image, ref)}${e.image.kind === 'present' ? ' (deleted on the host)' : ''}`,
  ],
  deleted: (e, ref) => [
    e.removal.kind === 'whiteout'
      ? `${e.path}: deleted by the whiteout ${objectText(e.removal.by)}${e.removal.path === e.path ? '' : ` (of ${e.removal.path})`}`
      : `${e.path}: hidden by the opaque directory ${e.removal.path} (${objectText(e.removal.by)})`,
    ...e.removal.removes.filter((removed) => removed.path === e.path).map((removed) => `  removes ${objectText(removed.object)}`),
    `  image: ${imageText(e.image, ref)}${e.image.kind === 'present' ? ' (deleted on the host)' : ''}`,
  ],
  replaced: (e, ref) => [`${e.path}: not in the tree: ${e.by.path} is a ${e.by.type} from ${objectText(e.by)}, which replaces everything below it`, `  image: ${imageText(e.image, ref)}`],
  image: (e, ref) => [`${e.path || '/'}: no layer has it: left to the image (${imageText(e.image, ref)})`],
};

/** Human text for an explanation; `ref` is the image version the host deploys. */
export const describeExplanation = (explanation: Explanation, ref: string): string =>
  (describers[explanation.kind] as (e: Explanation, ref: string) => string[])(explanation, ref).join('\n');

import { isRootcastError } from '../errors/rootcast-error.js';
import type { HomePaths } from '../home/paths.js';
import type { DistroFootprint } from '../image/manifest.js';
import { readImageDistro, resolveImageRef } from '../image/versions.js';
import type { InventoryIssue } from './issue.js';
import { imageNameOf } from './normalise-context.js';
import type { Inventory } from './types.js';

/** What one image reference of the inventory points at in the store. */
export type RefResolution =
  | { kind: 'resolved'; ref: string; capturedFrom?: DistroFootprint | undefined }
  /** Declared under `images:` but never captured: fine until a host is installed from it. */
  | { kind: 'not-captured' }
  /** The image is in the store but the version or tag is not. */
  | { kind: 'missing'; problem: string };

export type RefResolutions = ReadonlyMap<string, RefResolution>;

/** Every image reference written on a group or host entry. */
export const imageRefsOf = (inventory: Inventory): string[] => {
  const refs = [...Object.values(inventory.groups), ...inventory.hosts].map((entry) => entry.image);
  return [...new Set(refs.filter((ref): ref is string => ref !== undefined))];
};

/** Resolves each reference the way the answer-file verbs and serve do (`resolveImageRef`). */
export const readRefResolutions = async (paths: HomePaths, refs: readonly string[], storeImages: readonly string[]): Promise<RefResolutions> => {
  const captured = new Set(storeImages);
  const entries = await Promise.all(
    refs.map(async (ref): Promise<[string, RefResolution]> => {
      if (!captured.has(imageNameOf(ref))) return [ref, { kind: 'not-captured' }];
      try {
        const resolved = await resolveImageRef(paths, ref);
        return [ref, { kind: 'resolved', ref: resolved.ref, capturedFrom: await readImageDistro(paths, resolved) }];
      } catch (error) {
        if (!isRootcastError(error)) throw error;
        return [ref, { kind: 'missing', problem: `${error.message}${error.hint === undefined ? '' : ` (${error.hint})`}` }];
      }
    }),
  );
  return new Map(entries);
};

/** An error at each group or host entry whose reference names a version or tag the store does not have. */
export const imageRefIssues = (inventory: Inventory, resolutions: RefResolutions): InventoryIssue[] => {
  const issueAt = (path: string[], ref: string | undefined): InventoryIssue[] => {
    const resolution = ref === undefined ? undefined : resolutions.get(ref);
    return resolution?.kind === 'missing' ? [{ severity: 'error', path: [...path, 'image'], message: resolution.problem }] : [];
  };
  // A range key's hosts share one image setting: one report per key.
  const byKey = new Map(inventory.hosts.map((host) => [host.source.key, host.image]));
  return [
    ...Object.values(inventory.groups).flatMap((group) => issueAt(['groups', group.name], group.image)),
    ...[...byKey].flatMap(([key, image]) => issueAt(['hosts', key], image)),
  ];
};

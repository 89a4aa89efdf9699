import { RootcastError } from '../errors/rootcast-error.js';
import { tagsOf } from './tags-store.js';
import { holderReasons, holdersOf, holdingHosts, type HoldersByVersion } from './version-holders.js';
import type { Tags } from './versions.js';

/** What is stored about one image, read before planning a removal. */
export interface ImageState {
  image: string;
  versions: number[];
  tags: Tags;
  /** version → the hosts that run it, are being given it or keep it for rollback */
  holders: HoldersByVersion;
}

export interface RemovalPlan {
  image: string;
  /** Remove the image directory itself (tags and all). */
  whole: boolean;
  versions: number[];
  /** Tags that pointed at removed versions (dropped; only with --force). */
  dropTags: string[];
  /** Hosts left running, being given or keeping for rollback a removed version (only with --force). */
  orphanedHosts: string[];
}

export interface RemovalRequest {
  /** The version picked by the reference, or undefined for the whole image. */
  version: number | undefined;
  /** @default false */
  force?: boolean;
}

/** Why each version is held: its tags, and the hosts that hold it with why (deployed, deploying, rollback). */
const holdOf = (state: ImageState, version: number): { tags: string[]; hosts: string[]; reasons: string[] } => {
  const tags = tagsOf(state.tags, version);
  const holders = holdersOf(state.holders, version);
  return { tags, hosts: holdingHosts(holders), reasons: [...tags.map((tag) => `tagged ${tag}`), ...holderReasons(holders)] };
};

/** Plans `image rm`; a tagged version, or one a host runs, is being given or keeps for rollback, is IN_USE unless forced. */
export const planRemoval = (state: ImageState, request: RemovalRequest): RemovalPlan => {
  const versions = request.version === undefined ? [...state.versions] : [request.version];
  const held = versions.map((version) => ({ version, ...holdOf(state, version) })).filter((h) => h.reasons.length > 0);
  if (held.length > 0 && request.force !== true) {
    const reasonOf = (h: { reasons: string[] }): string => h.reasons.join('; ');
    const details = held.map((h) => `${state.image}@${h.version}: ${reasonOf(h)}`);
    const what = request.version === undefined ? `image "${state.image}"` : `${state.image}@${request.version}`;
    throw new RootcastError('IN_USE', `${what} is in use (${held.map(reasonOf).join('; ')})`, {
      details,
      hint: 'move or delete the tags / update those hosts first, or pass --force (drops the tags)',
    });
  }
  return {
    image: state.image,
    whole: request.version === undefined,
    versions,
    dropTags: held.flatMap((h) => h.tags),
    orphanedHosts: [...new Set(held.flatMap((h) => h.hosts))].sort(),
  };
};

/** One line per version of `image prune`: kept or removed, and why. */
export interface PruneDecision {
  version: number;
  action: 'keep' | 'remove';
  reasons: string[];
}

/** Keeps the newest `keep` versions plus every tagged one and every one a host runs, is being given or keeps for rollback. */
export const planPrune = (state: ImageState, keep: number): PruneDecision[] => {
  // slice(-0) would be the whole list.
  const newest = new Set(keep === 0 ? [] : state.versions.slice(-keep));
  return state.versions.map((version) => {
    const reasons = [...(newest.has(version) ? [`one of the newest ${keep}`] : []), ...holdOf(state, version).reasons];
    return { version, action: reasons.length > 0 ? 'keep' : 'remove', reasons: reasons.length > 0 ? reasons : [`older than the newest ${keep}`] };
  });
};

import { RootcastError } from '../errors/rootcast-error.js';
import { tagsOf } from './tags-store.js';
import type { Tags } from './versions.js';

/** What is stored about one image, read before planning a removal. */
export interface ImageState {
  image: string;
  versions: number[];
  tags: Tags;
  /** version → hosts running it */
  deployed: Map<number, string[]>;
}

export interface RemovalPlan {
  image: string;
  /** Remove the image directory itself (tags and all). */
  whole: boolean;
  versions: number[];
  /** Tags that pointed at removed versions (dropped; only with --force). */
  dropTags: string[];
  /** Hosts left running a removed version (only with --force). */
  orphanedHosts: string[];
}

export interface RemovalRequest {
  /** The version picked by the reference, or undefined for the whole image. */
  version: number | undefined;
  /** @default false */
  force?: boolean;
}

/** Why each version is held: its tags and the hosts running it. */
const holdersOf = (state: ImageState, version: number): { tags: string[]; hosts: string[] } => ({
  tags: tagsOf(state.tags, version),
  hosts: state.deployed.get(version) ?? [],
});

/** Plans `image rm`; a tagged or deployed version is IN_USE unless forced. */
export const planRemoval = (state: ImageState, request: RemovalRequest): RemovalPlan => {
  const versions = request.version === undefined ? [...state.versions] : [request.version];
  const held = versions.map((version) => ({ version, ...holdersOf(state, version) })).filter((h) => h.tags.length + h.hosts.length > 0);
  if (held.length > 0 && request.force !== true) {
    const reasonOf = (h: { tags: string[]; hosts: string[] }): string =>
      [...(h.tags.length > 0 ? [`tagged ${h.tags.join(', ')}`] : []), ...(h.hosts.length > 0 ? [`deployed on ${h.hosts.join(', ')}`] : [])].join('; ');
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
    orphanedHosts: held.flatMap((h) => h.hosts),
  };
};

/** One line per version of `image prune`: kept or removed, and why. */
export interface PruneDecision {
  version: number;
  action: 'keep' | 'remove';
  reasons: string[];
}

/** Keeps the newest `keep` versions plus every tagged or deployed one. */
export const planPrune = (state: ImageState, keep: number): PruneDecision[] => {
  // slice(-0) would be the whole list.
  const newest = new Set(keep === 0 ? [] : state.versions.slice(-keep));
  return state.versions.map((version) => {
    const { tags, hosts } = holdersOf(state, version);
    const reasons = [
      ...(newest.has(version) ? [`one of the newest ${keep}`] : []),
      ...tags.map((tag) => `tagged ${tag}`),
      ...(hosts.length > 0 ? [`deployed on ${hosts.join(', ')}`] : []),
    ];
    return { version, action: reasons.length > 0 ? 'keep' : 'remove', reasons: reasons.length > 0 ? reasons : [`older than the newest ${keep}`] };
  });
};

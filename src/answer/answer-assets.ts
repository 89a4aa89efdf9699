import { join } from 'node:path';
import { loadAnswerTemplates, type AnswerTemplates } from '../render/answer-templates.js';
import { findPackageRoot } from '../package/package-root.js';
import type { DistroCatalog } from './distro-profile.js';
import { loadDistroProfiles } from './load-distro-profiles.js';

/** The data answer files are made from: distro profiles (kickstart/) and compiled templates (templates/). */
export interface AnswerAssets {
  catalog: DistroCatalog;
  templates: AnswerTemplates;
}

/** Loads profiles and templates from a package root (default: the one this module ships in). */
export const loadAnswerAssets = async (root: string = findPackageRoot()): Promise<AnswerAssets> => ({
  catalog: await loadDistroProfiles(join(root, 'kickstart')),
  templates: await loadAnswerTemplates(join(root, 'templates')),
});

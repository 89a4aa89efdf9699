import { join } from 'node:path';
import type { HomePaths } from '../home/paths.js';

/** Every path of the image store, in one place: images/<name>/<version>/{root/,manifest.json}, images/<name>/tags.json, images/.<name>.lock. */
export interface ImageLayout {
  imageDir(image: string): string;
  versionDir(image: string, version: number): string;
  versionRoot(image: string, version: number): string;
  manifestFile(image: string, version: number): string;
  tagsFile(image: string): string;
  /** Work-in-progress versions; never visible as versions until renamed into place. */
  stagingDir(image: string): string;
  /** Beside the image directory, not in it: locking never creates an image, and `image mv` can hold both names. */
  lockFile(image: string): string;
}

export const imageLayout = (paths: HomePaths): ImageLayout => ({
  imageDir: (image) => join(paths.imagesDir, image),
  versionDir: (image, version) => join(paths.imagesDir, image, String(version)),
  versionRoot: (image, version) => join(paths.imagesDir, image, String(version), 'root'),
  manifestFile: (image, version) => join(paths.imagesDir, image, String(version), 'manifest.json'),
  tagsFile: (image) => join(paths.imagesDir, image, 'tags.json'),
  stagingDir: (image) => join(paths.imagesDir, image, '.staging'),
  lockFile: (image) => join(paths.imagesDir, `.${image}.lock`),
});

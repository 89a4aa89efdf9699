import { RootcastError } from '../errors/rootcast-error.js';
import { assertImageName, assertTagName } from './name.js';

export type VersionSelector =
  | { kind: 'latest' }
  | { kind: 'version'; version: number }
  | { kind: 'tag'; tag: string };

/** A parsed `web`, `web@3` or `web@stable`. */
export interface ImageRef {
  image: string;
  selector: VersionSelector;
}

/** Parses an image reference as typed by a user; throws INVALID_ARGUMENT with the reason. */
export const parseImageRef = (text: string): ImageRef => {
  const at = text.indexOf('@');
  const image = assertImageName(at === -1 ? text : text.slice(0, at));
  if (at === -1) return { image, selector: { kind: 'latest' } };
  const suffix = text.slice(at + 1);
  if (suffix === 'latest') return { image, selector: { kind: 'latest' } };
  if (/^\d+$/.test(suffix)) {
    const version = Number(suffix);
    if (!Number.isSafeInteger(version) || version < 1) {
      throw new RootcastError('INVALID_ARGUMENT', `"${text}": versions are whole numbers from 1`);
    }
    return { image, selector: { kind: 'version', version } };
  }
  if (suffix === '') {
    throw new RootcastError('INVALID_ARGUMENT', `"${text}": nothing after "@"`, {
      hint: 'write web (newest), web@3 (a version) or web@stable (a tag)',
    });
  }
  return { image, selector: { kind: 'tag', tag: assertTagName(suffix) } };
};

export const formatImageRef = (image: string, version: number): string => `${image}@${version}`;

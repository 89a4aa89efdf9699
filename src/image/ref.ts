import { isRootcastError, RootcastError } from '../errors/rootcast-error.js';
import { assertImageName, assertTagName, imageNameProblem } from './name.js';

export type VersionSelector =
  | { kind: 'latest' }
  | { kind: 'version'; version: number }
  | { kind: 'tag'; tag: string };

/** A parsed `web`, `web@3` or `web@stable`. */
export interface ImageRef {
  image: string;
  selector: VersionSelector;
}

/** `web:2` is how container tools spell a version; suggest rootcast's `web@2` instead of a bare name error. */
const assertNoColonSelector = (text: string): void => {
  const colon = text.indexOf(':');
  if (colon === -1 || text.includes('@')) return;
  const [name, selector] = [text.slice(0, colon), text.slice(colon + 1)];
  if (imageNameProblem(name) !== undefined || selector === '') return;
  throw new RootcastError('USAGE', `"${text}" is not an image reference: a version or tag follows "@" (${name}@${selector}), not ":"`, {
    hint: `did you mean ${name}@${selector}? (web is the newest version, web@3 a version, web@stable a tag)`,
  });
};

/** Parses an image reference as typed by a user; throws USAGE with the reason. */
export const parseImageRef = (text: string): ImageRef => {
  assertNoColonSelector(text);
  const at = text.indexOf('@');
  const image = assertImageName(at === -1 ? text : text.slice(0, at));
  if (at === -1) return { image, selector: { kind: 'latest' } };
  const suffix = text.slice(at + 1);
  if (suffix === 'latest') return { image, selector: { kind: 'latest' } };
  if (/^\d+$/.test(suffix)) {
    const version = Number(suffix);
    if (!Number.isSafeInteger(version) || version < 1) {
      throw new RootcastError('USAGE', `"${text}": versions are whole numbers from 1`);
    }
    return { image, selector: { kind: 'version', version } };
  }
  if (suffix === '') {
    throw new RootcastError('USAGE', `"${text}": nothing after "@"`, {
      hint: 'write web (newest), web@3 (a version) or web@stable (a tag)',
    });
  }
  return { image, selector: { kind: 'tag', tag: assertTagName(suffix) } };
};

/** Why text is not an image reference (`web`, `web@3`, `web@stable`), or undefined: parseImageRef's reason. */
export const imageRefProblem = (text: string): string | undefined => {
  try {
    parseImageRef(text);
    return undefined;
  } catch (error) {
    if (isRootcastError(error)) return error.message;
    throw error;
  }
};

export const formatImageRef = (image: string, version: number): string => `${image}@${version}`;

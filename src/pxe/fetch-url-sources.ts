import { createWriteStream } from 'node:fs';
import { chmod, mkdir, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BootFileCopy, UnfetchedFile } from './boot-tree-plan.js';

export type FetchFunction = (url: string) => Promise<Response>;

/** A file downloaded beside its target; `applyBootTree` renames it into place or drops it. */
export interface Download {
  tree: string;
  temp: string;
}

export interface FetchUrlSourcesOptions {
  fetch: FetchFunction;
  /** Download again even what an earlier sync downloaded. @default false */
  refetch?: boolean;
  /** Tree paths an earlier sync downloaded. */
  cached: ReadonlySet<string>;
}

export const tempBeside = (path: string): string => join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);

type UrlCopy = BootFileCopy & { from: { kind: 'url' } };

const isUrlCopy = (copy: BootFileCopy): copy is UrlCopy => copy.from.kind === 'url';

/** Node's fetch says only "fetch failed"; the reason (refused, timed out, unknown host) is in its cause. */
const reasonOf = (error: unknown): string => {
  const { message, cause } = error as { message: string; cause?: { message?: string } };
  return cause?.message === undefined ? message : `${message}: ${cause.message}`;
};

/** Downloads one URL into a temp file; a refused or failed download says why, naming the URL and its setting. */
const downloadOne = async (fetchUrl: FetchFunction, copy: UrlCopy, target: string): Promise<{ temp: string } | UnfetchedFile> => {
  const { url, setting } = copy.from;
  let response: Response;
  try {
    response = await fetchUrl(url);
  } catch (error) {
    return { message: `cannot fetch ${url} (${setting}): ${reasonOf(error)}`, code: 'UNAVAILABLE', attempted: true };
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    return { message: `cannot fetch ${url} (${setting}): HTTP ${response.status} ${response.statusText}`.trim(), code: response.status === 404 ? 'NOT_FOUND' : 'UNAVAILABLE', attempted: true };
  }
  const temp = tempBeside(target);
  try {
    await mkdir(dirname(target), { recursive: true });
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), createWriteStream(temp));
    // Every PXE client reads the tree: the mode must not follow the umask.
    await chmod(temp, 0o644);
    return { temp };
  } catch (error) {
    await rm(temp, { force: true });
    return { message: `cannot fetch ${url} (${setting}): ${reasonOf(error)}`, code: 'UNAVAILABLE', attempted: true };
  }
};

/**
 * Downloads the URL sources of `copies` that the tree lacks (all of them with `refetch`), each into a
 * temp file beside its target. A failure never throws: it is returned by tree path, and the sync
 * skips that installer while writing everything else.
 */
export const fetchUrlSources = async (root: string, copies: readonly BootFileCopy[], options: FetchUrlSourcesOptions): Promise<{ downloads: Download[]; unfetched: Map<string, UnfetchedFile> }> => {
  const downloads: Download[] = [];
  const unfetched = new Map<string, UnfetchedFile>();
  for (const copy of copies.filter(isUrlCopy)) {
    if (options.refetch !== true && options.cached.has(copy.tree)) continue;
    const outcome = await downloadOne(options.fetch, copy, join(root, copy.tree));
    if ('temp' in outcome) downloads.push({ tree: copy.tree, temp: outcome.temp });
    else unfetched.set(copy.tree, outcome);
  }
  return { downloads, unfetched };
};

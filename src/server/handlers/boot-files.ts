import { realpath, stat } from 'node:fs/promises';
import { sep } from 'node:path';
import { textReply, type Reply } from '../reply.js';
import type { Route } from '../routes.js';
import type { HandlerContext } from './context.js';

/** `GET /pxe/<path>`: a file of the boot tree (iPXE loads kernels and scripts over HTTP); nothing outside it. */
export const bootFile = async (route: Extract<Route, { kind: 'boot-file' }>, context: HandlerContext): Promise<Reply> => {
  const tree = context.pxe?.bootTree;
  if (tree === undefined) return textReply(404, 'this serve runs without --pxe: there is no boot tree');
  const root = await realpath(tree).catch(() => undefined);
  const real = root === undefined ? undefined : await realpath(`${root}${sep}${route.path}`).catch(() => undefined);
  // A symlink that leads out of the tree is as absent as a missing file.
  const info = real === undefined || root === undefined || !real.startsWith(`${root}${sep}`) ? undefined : await stat(real).catch(() => undefined);
  if (real === undefined || info === undefined || !info.isFile()) return textReply(404, `no file ${route.path} in the boot tree (run "rootcast pxe sync")`);
  return { kind: 'file', contentType: 'application/octet-stream', path: real, size: info.size };
};

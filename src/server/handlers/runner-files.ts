import { stat } from 'node:fs/promises';
import { textReply, type Reply } from '../reply.js';
import type { HandlerContext } from './context.js';

const fileOr503 = async (path: string, contentType: string, whenMissing: string): Promise<Reply> => {
  try {
    const info = await stat(path);
    if (info.isFile()) return { kind: 'file', contentType, path, size: info.size };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return textReply(503, `${whenMissing} (${path} is missing)`, { 'retry-after': '30' });
};

export const bootstrapScript = (_route: unknown, context: HandlerContext): Promise<Reply> =>
  fileOr503(context.files.bootstrapScript, 'text/x-shellscript; charset=utf-8', 'the bootstrap script is not installed');

export const runnerBundle = (_route: unknown, context: HandlerContext): Promise<Reply> =>
  fileOr503(context.files.runnerBundle, 'application/javascript; charset=utf-8', 'the runner bundle has not been built; run "node scripts/build-runner.mjs" on the server');

export const nodeBinary = (_route: unknown, context: HandlerContext): Promise<Reply> =>
  fileOr503(context.files.nodeBinary, 'application/octet-stream', 'the node binary to serve is not there');

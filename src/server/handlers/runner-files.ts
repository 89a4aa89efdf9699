import { stat } from 'node:fs/promises';
import type { FirstBootFile } from '../../protocol/deploy-protocol.js';
import { textReply, type Reply } from '../reply.js';
import type { HandlerContext } from './context.js';

/** The file, or a 503 saying what to do; where the server keeps it goes to serve's log, not to the client. */
const fileOr503 = async (context: HandlerContext, path: string, contentType: string, whenMissing: string): Promise<Reply> => {
  try {
    const info = await stat(path);
    if (info.isFile()) return { kind: 'file', contentType, path, size: info.size };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  context.log(`${whenMissing}: ${path} is missing`);
  return textReply(503, `${whenMissing} (the server log says where it was looked for)`, { 'retry-after': '30' });
};

export const bootstrapScript = (_route: unknown, context: HandlerContext): Promise<Reply> =>
  fileOr503(context, context.files.bootstrapScript, 'text/x-shellscript; charset=utf-8', 'the bootstrap script is not installed');

const firstBootTypes: Record<FirstBootFile, string> = { script: 'text/x-shellscript; charset=utf-8', unit: 'text/plain; charset=utf-8' };

export const firstBootFile = (route: { file: FirstBootFile }, context: HandlerContext): Promise<Reply> =>
  fileOr503(context, context.files.firstBoot[route.file], firstBootTypes[route.file], `the first-boot ${route.file} is not installed`);

export const runnerBundle = (_route: unknown, context: HandlerContext): Promise<Reply> =>
  fileOr503(context, context.files.runnerBundle, 'application/javascript; charset=utf-8', 'the runner bundle has not been built; run "node scripts/build-runner.mjs" on the server');

export const nodeBinary = (_route: unknown, context: HandlerContext): Promise<Reply> =>
  fileOr503(context, context.files.nodeBinary, 'application/octet-stream', 'the node binary to serve is not there');

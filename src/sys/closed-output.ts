/** 128 + SIGPIPE: the status a shell shows for a program that SIGPIPE ended, as `git log | head -1` ends git. */
export const closedOutputExitStatus = 141;

export interface ClosedOutputGuard {
  /** The running command must finish its work even when nobody reads it any more (an update, serve): its later lines are dropped. */
  outlive(): void;
}

/**
 * When the reader of our output goes away (`rootcast logs web07 | head -1`), the next write fails with EPIPE
 * (node ignores SIGPIPE, so there is no signal to die of): `exit` at once with 141, quietly, as git does;
 * unless the command said it must outlive its reader. Any other stream error stays an error.
 */
export const guardClosedOutput = (streams: readonly NodeJS.EventEmitter[], exit: (status: number) => void): ClosedOutputGuard => {
  let outliving = false;
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      if (!outliving) exit(closedOutputExitStatus);
    });
  }
  return {
    outlive: () => {
      outliving = true;
    },
  };
};

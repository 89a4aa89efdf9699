/**
 * Runs `work` the way system(3) runs a child: while it owns the terminal's Ctrl-C, rootcast ignores
 * SIGINT and SIGQUIT and waits for it, so the child ends and rootcast still cleans up after it.
 * The listeners exist only for the duration; spawned children get default signal handling (libuv
 * resets handled signals on exec).
 */
export const whileIgnoringInterrupts = async <T>(work: () => Promise<T>): Promise<T> => {
  // One listener per call: a nested or concurrent call never removes another call's listener.
  const ignore = (): void => undefined;
  process.on('SIGINT', ignore);
  process.on('SIGQUIT', ignore);
  try {
    return await work();
  } finally {
    process.off('SIGINT', ignore);
    process.off('SIGQUIT', ignore);
  }
};

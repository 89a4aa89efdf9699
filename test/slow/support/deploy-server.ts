import type { HomePaths } from '../../../src/home/paths.js';
import type { RunningServer } from '../../../src/server/start-server.js';
import { startServeForTests } from '../../helpers/serve-for-tests.js';

/** The real image server (HTTP API + supervised rsync daemon) on loopback, serving one host. */
export interface DeployServer {
  url: string;
  /** An install token issued at start (what `rootcast kickstart HOST` prints for a USB install). */
  token: string;
  /** Issues the next install token (an install that reported done spends its own). */
  freshToken(): Promise<string>;
  server: RunningServer;
  /** HTTP access log and daemon supervision lines, for failure messages. */
  log: string[];
}

/**
 * Starts `startServer` (what `rootcast serve` runs) on the store at `paths` with a fleet of one host
 * at 127.0.0.1 that deploys `imageRef`; the caller stops `server` in `finally`.
 */
export const startDeployServer = async (paths: HomePaths, host: string, imageRef: string, runnerBundle: string): Promise<DeployServer> => {
  const serve = await startServeForTests({
    home: paths.home,
    hosts: [{ name: host, macs: [], ip: '127.0.0.1', imageRef, family: 'debian' }],
    images: [],
    files: { runnerBundle },
  });
  const freshToken = (): Promise<string> => serve.token(host);
  return { url: serve.url, token: await freshToken(), freshToken, server: serve.server, log: serve.log };
};

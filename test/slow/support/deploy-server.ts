import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { HomePaths } from '../../../src/home/paths.js';
import { installTokenFor, loadInstallSecret } from '../../../src/server/install-token.js';
import { packageFile } from '../../../src/package-root.js';
import { startServer, type RunningServer } from '../../../src/server/start-server.js';

/** The real image server (HTTP API + supervised rsync daemon) on loopback, serving one host. */
export interface DeployServer {
  url: string;
  token: string;
  server: RunningServer;
  /** HTTP access log and daemon supervision lines, for failure messages. */
  log: string[];
}

/** Bundles the runner exactly as `npm run build` does, into `outfile`, so the test runs today's source. */
export const bundleRunner = (outfile: string): string => {
  execFileSync('node', [packageFile('scripts', 'build-runner.mjs'), '--outfile', outfile], { stdio: ['ignore', 'ignore', 'pipe'] });
  return outfile;
};

/**
 * Starts `startServer` (what `rootcast serve` runs) with a fleet of one host at 127.0.0.1 that
 * deploys `imageRef`; the caller stops `server` in `finally`.
 */
export const startDeployServer = async (paths: HomePaths, host: string, imageRef: string, runnerBundle: string): Promise<DeployServer> => {
  const log: string[] = [];
  const server = await startServer({
    paths,
    http: { address: '127.0.0.1', port: 0 },
    rsync: { address: '127.0.0.1', port: 0 },
    loadFleet: async () => ({ hosts: [{ name: host, macs: [], ip: '127.0.0.1', imageRef, family: 'debian' }] }),
    renderAnswerFile: async () => {
      throw new Error('answer files are not part of this test');
    },
    files: { bootstrapScript: join(paths.home, 'no-bootstrap.sh'), runnerBundle, nodeBinary: process.execPath },
    log: (line) => void log.push(line),
  });
  const token = installTokenFor(await loadInstallSecret(paths), host);
  return { url: `http://127.0.0.1:${server.http.port}`, token, server, log };
};

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { issueInstallToken } from '../../src/credentials/issue-token.js';
import { resolveHomePaths, type HomePaths } from '../../src/home/paths.js';
import { imageLayout } from '../../src/image/layout.js';
import { packageFile } from '../../src/package/package-root.js';
import { firstBootFiles } from '../../src/protocol/deploy-protocol.js';
import type { StoredEvent } from '../../src/protocol/host-event.js';
import type { ServeFiles } from '../../src/server/handlers/context.js';
import type { ServeHost } from '../../src/server/serve-fleet.js';
import { startServer, type RunningServer } from '../../src/server/start-server.js';
import type { RenderAnswerFile, ServeSnapshot } from '../../src/server/serve-snapshot.js';
import { minimalManifest } from './image-builder.js';
import { storedEvents, storedPhaseEvents, type StoredPhaseEvent } from './stored-events.js';

const run = promisify(execFile);

/** A tree to put into the store as image@version. */
export interface StoredImage {
  image: string;
  version: number;
  root: string;
}

export interface ServeForTests {
  url: string;
  paths: HomePaths;
  server: RunningServer;
  /** serve's access log and supervision lines. */
  log: string[];
  /** What the runner reported for `host` (its phase events), in arrival order (read back from serve's event logs). */
  events(host: string): Promise<StoredPhaseEvent[]>;
  /** Every event serve stored for `host`: answer files, installer, runner-started, phases, booted. */
  allEvents(host: string): Promise<StoredEvent[]>;
  /** A fresh install token, issued the way `rootcast kickstart HOST` issues it for a USB install. */
  token(host: string): Promise<string>;
  /** "GET /runner/node" for every request seen so far. */
  requests(): string[];
  /** What `systemctl restart rootcast-serve` does: stop (ending every transfer), then start again on the same ports. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The real `rootcast serve` (HTTP API + supervised rsync daemon) on 127.0.0.1 ephemeral ports with its
 * own home. Image trees are hard-linked into the store (cp -al: cheap, and the daemon only reads them).
 */
export const startServeForTests = async (options: {
  hosts: ServeHost[];
  images: StoredImage[];
  files?: Partial<ServeFiles>;
  home?: string;
  /** What each host's override layers are resolved from (serve-snapshot.ts); none by default. */
  overridesRequest?: ServeSnapshot['overridesRequest'];
  /** Renders GET /ks/HOST and /preseed/HOST. @default none: answer files are refused (500) */
  renderAnswerFile?: RenderAnswerFile;
}): Promise<ServeForTests> => {
  const paths = resolveHomePaths({ home: options.home ?? (await mkdtemp(join(tmpdir(), 'rootcast-serve-home-'))) });
  const layout = imageLayout(paths);
  for (const { image, version, root } of options.images) {
    await mkdir(layout.versionDir(image, version), { recursive: true });
    await run('cp', ['-al', root, layout.versionRoot(image, version)]);
    await writeFile(layout.manifestFile(image, version), JSON.stringify(minimalManifest(image, version)));
  }
  const log: string[] = [];
  const start = (ports: { http: number; rsync: number }): Promise<RunningServer> => startServer({
    paths,
    http: { address: '127.0.0.1', port: ports.http },
    rsync: { address: '127.0.0.1', port: ports.rsync },
    loadSnapshot: async () => ({
      fleet: { hosts: options.hosts },
      renderAnswerFile: options.renderAnswerFile ?? (async () => {
        throw new Error('answer files are not part of this test');
      }),
      ...(options.overridesRequest === undefined ? {} : { overridesRequest: options.overridesRequest }),
    }),
    files: {
      bootstrapScript: options.files?.bootstrapScript ?? join(paths.home, 'no-bootstrap.sh'),
      // The real first-boot files: the runner installs them on its target.
      firstBoot: options.files?.firstBoot ?? { script: packageFile('boot', firstBootFiles.script), unit: packageFile('boot', firstBootFiles.unit) },
      runnerBundle: options.files?.runnerBundle ?? join(paths.home, 'no-runner.cjs'),
      nodeBinary: options.files?.nodeBinary ?? process.execPath,
    },
    log: (line) => void log.push(line),
  });
  let server = await start({ http: 0, rsync: 0 });
  const ports = { http: server.http.port, rsync: server.rsync.port };
  return {
    url: `http://127.0.0.1:${server.http.port}`,
    paths,
    get server() {
      return server;
    },
    log,
    events: (host) => storedPhaseEvents(paths, host),
    allEvents: (host) => storedEvents(paths, host),
    token: async (host) => (await issueInstallToken(paths, host, { now: new Date(), lifetimeMs: 3_600_000, issuedBy: 'test' })).token,
    requests: () => log.flatMap((line) => {
      const match = /^\S+ [0-9a-f]{8} \S+ (\S+) "([^"]*)"/.exec(line);
      return match === null ? [] : [`${match[1]} ${match[2]}`];
    }),
    restart: async () => {
      await server.stop();
      server = await start(ports);
    },
    stop: () => server.stop(),
  };
};

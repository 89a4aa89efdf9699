import type { HomePaths } from '../../home/paths.js';
import type { EventLog } from '../event-log.js';
import type { AnswerKind } from '../routes.js';
import type { ServeFleet } from '../serve-fleet.js';

/** Renders a host's answer file; serve hands it the host's install token to embed. */
export type RenderAnswerFile = (kind: AnswerKind, host: string, context: { installToken: string }) => Promise<string>;

/** Files served as they are on disk. */
export interface ServeFiles {
  bootstrapScript: string;
  runnerBundle: string;
  nodeBinary: string;
}

/** What one request's handler may use; built per request from the running server's current state. */
export interface HandlerContext {
  paths: HomePaths;
  /** The fleet as of the last successful (re)load. */
  fleet: ServeFleet;
  secret: Buffer;
  renderAnswerFile: RenderAnswerFile;
  files: ServeFiles;
  events: EventLog;
  now: () => Date;
  /** The rsync daemon's `host:port` as the client that reached us on `localAddress` should dial it. */
  rsyncEndpoint: (localAddress: string | undefined) => string;
  /** Makes sure the daemon config has a module for this version (an image captured after serve started). */
  ensureImageModule: (image: string, version: number) => Promise<void>;
  rsyncDaemonPid: () => number | undefined;
  request: {
    authorization: string | undefined;
    contentType: string | undefined;
    localAddress: string | undefined;
    body: string;
  };
}

import type { HomePaths } from '../../home/paths.js';
import type { FirstBootFile } from '../../protocol/deploy-protocol.js';
import type { ResolvedVersion } from '../../image/versions.js';
import type { HostOverrides } from '../../overrides/host-overrides.js';
import type { InstallAccessPolicy } from '../../inventory/install-access.js';
import type { EventStore } from '../../state/event-store.js';
import type { PxeNext } from '../../monitor/pxe-next.js';
import type { StallPolicy } from '../../monitor/stall.js';
import type { DashboardAccess } from '../dashboard-access.js';
import type { DashboardHub } from '../dashboard-hub.js';
import type { HostStateAccess } from '../host-state-access.js';
import type { ServePxeHooks } from '../pxe-hooks.js';
import type { ServeFleet } from '../serve-fleet.js';
import type { RenderAnswerFile } from '../serve-snapshot.js';
import type { PayloadService } from '../payload-service.js';
import type { Tracker } from '../tracker.js';
import type { WebSeedPacer } from '../web-seed-pacer.js';
import type { ListenAddress } from '../listen-address.js';

/** Files served as they are on disk. */
export interface ServeFiles {
  bootstrapScript: string;
  /** boot/rootcast-firstboot.sh and boot/rootcast-firstboot.service. */
  firstBoot: Record<FirstBootFile, string>;
  runnerBundle: string;
  nodeBinary: string;
}

/** The dashboard's side of serve: who may read it, its live feed, the image server's measured throughput. */
export interface DashboardServices {
  access: DashboardAccess;
  hub: DashboardHub;
  serverRate: () => number | null;
  stall: StallPolicy;
  /** Each host's next PXE boot (at most 2 s old); undefined without a `pxe:` block in the inventory. */
  pxeNext: () => Promise<ReadonlyMap<string, PxeNext> | undefined>;
}

/** What one request's handler may use; built per request from the running server's current state. */
export interface HandlerContext {
  paths: HomePaths;
  /** The fleet as of the last successful (re)load. */
  fleet: ServeFleet;
  /** The answer-file renderer over the same inventory as `fleet`. */
  renderAnswerFile: RenderAnswerFile;
  access: InstallAccessPolicy;
  secret: Buffer;
  files: ServeFiles;
  events: EventStore;
  dashboard: DashboardServices;
  hostState: HostStateAccess;
  now: () => Date;
  log: (line: string) => void;
  /** The rsync daemon's `host:port` as the client that reached us on `localAddress` should dial it. */
  rsyncEndpoint: (localAddress: string | undefined) => string;
  /** Makes sure the daemon config has a module for this version (an image captured after serve started). */
  ensureImageModule: (image: string, version: number) => Promise<void>;
  /**
   * Resolves the host's override layers for `version` from the current snapshot and publishes the tree
   * as its module; undefined when serve offers this host no overrides. Throws INVALID_DATA for bad layers.
   */
  publishOverrides: (host: string, version: ResolvedVersion) => Promise<HostOverrides | undefined>;
  /** Rewrites the daemon's secrets file from the current tokens (after one was issued, spent or enrolled). */
  refreshRsyncSecrets: () => Promise<void>;
  /** The rsync connections being served now (for /healthz). */
  rsyncConnections: () => readonly { client: string; authenticated: boolean }[];
  /** Published payloads, built on the first torrent install that asks (docs/fanout.md). */
  payloads: PayloadService;
  /** The fleet's BitTorrent tracker. */
  tracker: Tracker;
  /** Paces re-sent pieces of the web seed while a swarm has several incomplete peers; undefined: never paced. */
  webSeedPacer?: WebSeedPacer;
  /** The tracker's own listener (`serve --tracker`); undefined when it answers on the HTTP port. */
  trackerListen?: ListenAddress;
  /** Present under `serve --pxe`. */
  pxe?: ServePxeHooks;
  request: {
    method: string;
    target: string;
    authorization: string | undefined;
    contentType: string | undefined;
    /** The `Host` header: the address the client used to reach us. */
    host: string | undefined;
    /** The `Range` header (payload downloads). */
    range: string | undefined;
    localAddress: string | undefined;
    remoteAddress: string | undefined;
    body: string;
  };
}

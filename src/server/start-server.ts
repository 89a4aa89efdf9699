import { setTimeout as sleep } from 'node:timers/promises';
import { once } from 'node:events';
import { isIPv6, type AddressInfo } from 'node:net';
import { RootcastError } from '../errors/rootcast-error.js';
import { imageModuleName } from '../protocol/deploy-protocol.js';
import type { HomePaths } from '../home/paths.js';
import { defaultRsyncLimits, type RsyncConnectionLimits } from '../sys/rsync-admission.js';
import { openRsyncGate, type RsyncConnection } from '../sys/rsync-gate.js';
import { ensurePrivateHome, privateDirNames } from '../home/private-home.js';
import { loadServerSecret } from '../credentials/server-secret.js';
import { loadHostOverrides } from '../overrides/host-overrides.js';
import { execProcess, type Exec } from '../sys/exec.js';
import type { HandlerContext, ServeFiles } from './handlers/context.js';
import { createServeHttpServer, type RequestFacts } from './http-server.js';
import type { Server } from 'node:http';
import { openPayloadService } from './payload-service.js';
import { createTracker } from './tracker.js';
import { createWebSeedPacer } from './web-seed-pacer.js';
import { openEventStore } from '../state/event-store.js';
import { legacyEventLogWarnings } from '../state/legacy-event-logs.js';
import type { EventRetention } from '../state/event-retention.js';
import { defaultStallPolicy, type StallPolicy } from '../monitor/stall.js';
import { loadDashboardAccess, type DashboardAccess } from './dashboard-access.js';
import { openDashboardHub } from './dashboard-hub.js';
import { createPxeNextCache } from './pxe-next-cache.js';
import { createThroughputSampler, readProcWrittenBytes } from './rsync-throughput.js';
import type { ServePxeHooks } from './pxe-hooks.js';
import { openHostState } from './host-state-access.js';
import { openOverridesPublisher } from './overrides-publisher.js';
import { formatListenAddress, isWildcardAddress, type ListenAddress } from './listen-address.js';
import { listImageVersionsOnDisk, writeRsyncdFiles, writeRsyncdSecrets } from './rsyncd-apply.js';
import { assertAllowEntries, planRsyncdConfig, rsyncdFiles, type RsyncdConfig } from './rsyncd-plan.js';
import { compileRsyncdConfTemplate } from './rsyncd-render.js';
import { renderRsyncdSecrets } from './rsyncd-secrets.js';
import { fleetHostsOf, fleetProblems, normaliseFleet, type ServeFleet } from './serve-fleet.js';
import { accessWarnings, openAccessPolicy, type ServeSnapshot } from './serve-snapshot.js';

export interface RsyncListenOptions extends ListenAddress {
  /** Extra `hosts allow` entries besides the fleet's IPs (--rsync-allow). @default [] */
  allow?: string[];
  /** Connections per client address, in all, and the time to authenticate. @default defaultRsyncLimits */
  limits?: Partial<RsyncConnectionLimits>;
  /** @default "rsync" */
  command?: string;
}

export interface StartServerOptions {
  paths: HomePaths;
  /** Port 0 picks a free port (tests). */
  http: ListenAddress;
  /** Port 0 picks a free port (tests). */
  rsync: RsyncListenOptions;
  /** Reads the inventory (at start and on SIGHUP) into what serve answers from. */
  loadSnapshot: () => Promise<ServeSnapshot>;
  files: ServeFiles;
  /** Access log and rsync connection lines. */
  log: (line: string) => void;
  /** @default () => new Date() */
  now?: () => Date;
  /** How often the daemon's secrets are re-derived, so expired install tokens drop out. @default 15000 */
  secretsRefreshMs?: number;
  /** `serve --pxe`: the boot tree over HTTP and the PXE-once switch on `done`. @default none */
  pxe?: ServePxeHooks;
  /** Runs rsync to build the hosts' override trees, and tar to build payloads. @default execProcess */
  exec?: Exec;
  /** The tracker on a port of its own (`serve --tracker`). @default announces go to the HTTP port */
  tracker?: ListenAddress;
  /** Event storage and the dashboard (docs/monitor.md). @default the documented defaults */
  monitor?: MonitorOptions;
  /** The web seed's pacing in a crowded swarm (docs/fanout.md). @default WebSeedPacing's defaults */
  webSeed?: WebSeedPacing;
}

/** `serve --web-seed-resend-rate`. */
export interface WebSeedPacing {
  /** Mbit/s that re-sent pieces of one swarm share while it has several incomplete peers; 0 turns pacing off. @default 0 */
  resendMbit?: number;
}

export interface MonitorOptions {
  /** The inventory's server.monitor (the snapshot's `monitor`) wins over these. @default defaultEventRetention */
  retention?: Partial<EventRetention>;
  /** The inventory's server.monitor wins over these too. @default defaultStallPolicy */
  stall?: Partial<StallPolicy>;
  /** How long a host's status checkpoint may lag behind its log. @default 1000 */
  checkpointDelayMs?: number;
  /** How often the dashboard's live feed sends changes. @default 500 */
  flushMs?: number;
  /** Ask for the dashboard password even when serve listens on loopback only (embedders on shared machines). @default false */
  requirePassword?: boolean;
}

export type ReloadOutcome = { ok: true; hosts: number } | { ok: false; error: unknown };

export interface RunningServer {
  http: ListenAddress;
  rsync: ListenAddress;
  /** The tracker's own listener, when it has one. */
  tracker?: ListenAddress;
  /** Who may read the dashboard at `/`. */
  dashboard: DashboardAccess;
  /** The rsync connections being served now. */
  rsyncConnections(): RsyncConnection[];
  /** Re-reads the fleet and rewrites rsyncd.conf + secrets; on failure the previous fleet stays in force. */
  reload(): Promise<ReloadOutcome>;
  stop(): Promise<void>;
}

/** A snapshot with its fleet validated and normalised, and its access policy filled in. */
type ValidSnapshot = ServeSnapshot & Required<Pick<ServeSnapshot, 'access'>>;

const loadValidSnapshot = async (loadSnapshot: () => Promise<ServeSnapshot>): Promise<ValidSnapshot> => {
  const snapshot = await loadSnapshot();
  const problems = fleetProblems(snapshot.fleet);
  if (problems.length > 0) {
    throw new RootcastError('INVALID_DATA', `the inventory has ${problems.length} problem(s) serve cannot work with`, {
      details: problems,
      hint: 'fix the inventory ("rootcast inventory check"), then start serve or send it SIGHUP',
    });
  }
  return { ...snapshot, fleet: normaliseFleet(snapshot.fleet), access: snapshot.access ?? openAccessPolicy };
};

/** Where the dashboard is, for the start-up lines (a wildcard address stands for every address of the server). */
export const dashboardUrl = (http: ListenAddress): string =>
  `http://${isWildcardAddress(http.address) ? `<server address>:${http.port}` : formatListenAddress(http)}/`;

/** Starts the HTTP server and the supervised rsync daemon; every effect comes in through `options`. */
export const startServer = async (options: StartServerOptions): Promise<RunningServer> => {
  const now = options.now ?? (() => new Date());
  // Inventory first: a bad one must fail before anything (the server secret included) is written.
  assertAllowEntries(options.rsync.allow ?? []);
  let snapshot = await loadValidSnapshot(options.loadSnapshot);
  for (const warning of accessWarnings(snapshot.access)) options.log(`warning: ${warning}`);
  await ensurePrivateHome(options.paths, { create: privateDirNames });
  const secret = await loadServerSecret(options.paths);
  const hostState = openHostState(options.paths, secret, now);
  const publisher = openOverridesPublisher(options.paths, options.exec ?? execProcess);
  const template = compileRsyncdConfTemplate();
  let config: RsyncdConfig | undefined;
  let secretsText: string | undefined;
  let writing: Promise<unknown> = Promise.resolve();
  const currentSecrets = async (fleet: ServeFleet): Promise<string> => {
    const states = await Promise.all(
      fleet.hosts.map(async ({ name }) => ({ host: name, current: await hostState.currentGeneration(name), record: await hostState.record(name) })),
    );
    return renderRsyncdSecrets(states, secret, now());
  };
  // One writer at a time: a reload, a new version and a token change must not interleave their renames.
  const serialised = (work: () => Promise<void>): Promise<void> => {
    const run = writing.catch(() => undefined).then(work);
    writing = run;
    return run;
  };
  const rewriteConfig = (fleet: ServeFleet): Promise<void> =>
    serialised(async () => {
      const planned = planRsyncdConfig({
        paths: options.paths,
        fleet,
        versions: await listImageVersionsOnDisk(options.paths),
        extraAllow: options.rsync.allow ?? [],
      });
      secretsText = await currentSecrets(fleet);
      await writeRsyncdFiles(planned, secretsText, template);
      config = planned;
    });
  const refreshRsyncSecrets = (): Promise<void> =>
    serialised(async () => {
      const text = await currentSecrets(snapshot.fleet);
      if (text === secretsText || config === undefined) return;
      await writeRsyncdSecrets(config, text);
      secretsText = text;
    });
  await rewriteConfig(snapshot.fleet);

  const files = rsyncdFiles(options.paths);
  const gate = await openRsyncGate({
    spec: { address: options.rsync.address, port: options.rsync.port, configFile: files.configFile, logFile: files.logFile, ...(options.rsync.command === undefined ? {} : { command: options.rsync.command }) },
    limits: { ...defaultRsyncLimits, ...options.rsync.limits },
    log: options.log,
  });
  const rsync: ListenAddress = { address: gate.address, port: gate.port };
  // Expired install tokens must leave the daemon's secrets even when no request comes by.
  const refresher = setInterval(() => {
    refreshRsyncSecrets().catch((error: unknown) => options.log(`could not refresh the rsync secrets: ${(error as Error).message}`));
  }, options.secretsRefreshMs ?? 15_000);
  refresher.unref();

  const monitor = options.monitor ?? {};
  // The inventory's settings, read again on SIGHUP, over the embedder's; the next event or view uses them.
  const retention = (): Partial<EventRetention> => ({ ...monitor.retention, ...snapshot.monitor?.retention });
  const stall = (): StallPolicy => ({ ...defaultStallPolicy, ...monitor.stall, ...snapshot.monitor?.stall });
  const events = openEventStore({ paths: options.paths, now, retention, ...(monitor.checkpointDelayMs === undefined ? {} : { checkpointDelayMs: monitor.checkpointDelayMs }) });
  for (const warning of await legacyEventLogWarnings(options.paths)) options.log(`warning: ${warning}`);
  const dashboardAccess = await loadDashboardAccess(options.paths, monitor.requirePassword === true ? undefined : options.http.address);
  const throughput = createThroughputSampler(readProcWrittenBytes, () => performance.now());
  // Sampled all the time (a few reads per transfer), so the first dashboard view already has a rate.
  const sampling = setInterval(() => void throughput.sample(gate.connections().map((connection) => connection.pid)), 2000);
  sampling.unref();
  const pxeNext = createPxeNextCache(() => snapshot.pxeNext, () => now().getTime(), options.log);
  const hub = openDashboardHub({ fleetHosts: () => fleetHostsOf(snapshot.fleet), store: events, serverRate: throughput.latest, now, stall, pxeNext: pxeNext.get, ...(monitor.flushMs === undefined ? {} : { flushMs: monitor.flushMs }) });
  const payloads = openPayloadService({ paths: options.paths, exec: options.exec ?? execProcess, now, nowMs: () => now().getTime(), log: options.log });
  const tracker = createTracker({ nowMs: () => now().getTime() });
  const resendMbit = options.webSeed?.resendMbit ?? 0;
  const webSeedPacer = resendMbit <= 0 ? undefined : createWebSeedPacer({
    resendBytesPerSecond: (resendMbit * 1e6) / 8,
    incompletePeers: tracker.incompletePeers,
    nowMs: () => performance.now(),
    sleep: (ms) => sleep(ms),
  });
  const rsyncEndpoint = (localAddress: string | undefined): string => {
    const local = localAddress?.replace(/^::ffff:/, '');
    const address = isWildcardAddress(rsync.address) && local !== undefined ? local : rsync.address;
    return isIPv6(address) ? `[${address}]:${rsync.port}` : `${address}:${rsync.port}`;
  };
  let trackerListen: ListenAddress | undefined;
  const contextFor = (request: RequestFacts): HandlerContext => ({
    paths: options.paths,
    fleet: snapshot.fleet,
    renderAnswerFile: snapshot.renderAnswerFile,
    access: snapshot.access,
    secret,
    files: options.files,
    events,
    dashboard: { access: dashboardAccess, hub, serverRate: throughput.latest, stall: stall(), pxeNext: pxeNext.get },
    hostState,
    now,
    log: options.log,
    rsyncEndpoint,
    ensureImageModule: async (image, version) => {
      if (config?.modules.some((module) => module.name === imageModuleName(image, version)) !== true) await rewriteConfig(snapshot.fleet);
    },
    publishOverrides: async (host, version) => {
      // Resolved on every deploy request: an edited layer takes effect without a reload.
      const request = await snapshot.overridesRequest?.(host, version);
      if (request === undefined) return undefined;
      const overrides = await loadHostOverrides(request);
      for (const warning of overrides.tree.warnings) options.log(`warning: overrides of ${host}: ${warning}`);
      await publisher.publish(overrides);
      return overrides;
    },
    refreshRsyncSecrets,
    rsyncConnections: gate.connections,
    payloads,
    tracker,
    ...(webSeedPacer === undefined ? {} : { webSeedPacer }),
    ...(trackerListen === undefined ? {} : { trackerListen }),
    ...(options.pxe === undefined ? {} : { pxe: options.pxe }),
    request,
  });
  const server = createServeHttpServer({ log: options.log, now, contextFor, paths: options.paths });
  const trackerServer = options.tracker === undefined ? undefined : createServeHttpServer({ log: options.log, now, contextFor, paths: options.paths, only: new Set(['announce']) });
  const listen = async (target: Server, address: ListenAddress, option: string): Promise<number> => {
    try {
      target.listen(address.port, address.address);
      await Promise.race([once(target, 'listening'), once(target, 'error').then(([error]) => Promise.reject(error as Error))]);
      return (target.address() as AddressInfo).port;
    } catch (error) {
      clearInterval(refresher);
      clearInterval(sampling);
      hub.stop();
      await gate.stop();
      server.close();
      throw new RootcastError('UNAVAILABLE', `cannot listen for HTTP on ${formatListenAddress(address)}: ${(error as Error).message}`, {
        hint: `choose another ${option} ADDRESS:PORT, or stop what uses that port`,
      });
    }
  };
  const httpPort = await listen(server, options.http, '--http');
  if (trackerServer !== undefined && options.tracker !== undefined) trackerListen = { address: options.tracker.address, port: await listen(trackerServer, options.tracker, '--tracker') };

  return {
    http: { address: options.http.address, port: httpPort },
    rsync,
    ...(trackerListen === undefined ? {} : { tracker: trackerListen }),
    dashboard: dashboardAccess,
    rsyncConnections: gate.connections,
    reload: async () => {
      try {
        const next = await loadValidSnapshot(options.loadSnapshot);
        await rewriteConfig(next.fleet);
        snapshot = next;
        pxeNext.clear();
        for (const warning of accessWarnings(next.access)) options.log(`warning: ${warning}`);
        return { ok: true, hosts: next.fleet.hosts.length };
      } catch (error) {
        // Keep serving the snapshot we have; the daemon still reads the last good files.
        await rewriteConfig(snapshot.fleet).catch(() => undefined);
        return { ok: false, error };
      }
    },
    stop: async () => {
      clearInterval(refresher);
      clearInterval(refresher);
      clearInterval(sampling);
      hub.stop();
      const closing = [server, ...(trackerServer === undefined ? [] : [trackerServer])].map((target) => {
        const closed = new Promise<void>((resolve) => target.close(() => resolve()));
        target.closeAllConnections();
        return closed;
      });
      await Promise.all([...closing, gate.stop()]);
      await events.close();
    },
  };
};

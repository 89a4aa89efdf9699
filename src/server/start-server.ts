import { once } from 'node:events';
import { isIPv6, type AddressInfo } from 'node:net';
import { RootcastError } from '../errors/rootcast-error.js';
import { imageModuleName } from '../protocol/deploy-protocol.js';
import type { HomePaths } from '../home/paths.js';
import { superviseRsyncDaemon, type RestartPolicy, type SpawnDaemon } from '../sys/rsync-daemon.js';
import type { RenderAnswerFile, ServeFiles } from './handlers/context.js';
import { createServeHttpServer } from './http-server.js';
import { openEventLog } from './event-log.js';
import { loadInstallSecret } from './install-token.js';
import { formatListenAddress, isWildcardAddress, type ListenAddress } from './listen-address.js';
import { listImageVersionsOnDisk, writeRsyncdFiles } from './rsyncd-apply.js';
import { assertAllowEntries, planRsyncdConfig, rsyncdFiles, type RsyncdConfig } from './rsyncd-plan.js';
import { compileRsyncdConfTemplate, renderRsyncdSecrets } from './rsyncd-render.js';
import { fleetProblems, normaliseFleet, type ServeFleet } from './serve-fleet.js';
import { freePort } from '../sys/free-port.js';

export interface RsyncListenOptions extends ListenAddress {
  /** Extra `hosts allow` entries besides the fleet's IPs (--rsync-allow). @default [] */
  allow?: string[];
  /** @default 16 */
  maxConnections?: number;
  /** @default "rsync" */
  command?: string;
}

export interface StartServerOptions {
  paths: HomePaths;
  /** Port 0 picks a free port (tests). */
  http: ListenAddress;
  /** Port 0 picks a free port (tests). */
  rsync: RsyncListenOptions;
  loadFleet: () => Promise<ServeFleet>;
  renderAnswerFile: RenderAnswerFile;
  files: ServeFiles;
  /** Access log and daemon supervision lines. */
  log: (line: string) => void;
  /** @default () => new Date() */
  now?: () => Date;
  spawnDaemon?: SpawnDaemon;
  restartPolicy?: Partial<RestartPolicy>;
  /** The rsync daemon could not be kept alive; the caller should stop and exit non-zero. */
  onFatal?: (reason: string) => void;
}

export type ReloadOutcome = { ok: true; hosts: number } | { ok: false; error: unknown };

export interface RunningServer {
  http: ListenAddress;
  rsync: ListenAddress;
  rsyncDaemonPid(): number | undefined;
  /** Re-reads the fleet and rewrites rsyncd.conf + secrets; on failure the previous fleet stays in force. */
  reload(): Promise<ReloadOutcome>;
  stop(): Promise<void>;
}

const loadValidFleet = async (loadFleet: () => Promise<ServeFleet>): Promise<ServeFleet> => {
  const fleet = await loadFleet();
  const problems = fleetProblems(fleet);
  if (problems.length > 0) {
    throw new RootcastError('INVALID_DATA', `the inventory has ${problems.length} problem(s) serve cannot work with`, {
      details: problems,
      hint: 'fix the inventory ("rootcast inventory check"), then start serve or send it SIGHUP',
    });
  }
  return normaliseFleet(fleet);
};

/** Starts the HTTP server and the supervised rsync daemon; every effect comes in through `options`. */
export const startServer = async (options: StartServerOptions): Promise<RunningServer> => {
  const now = options.now ?? (() => new Date());
  // Fleet first: a bad inventory must fail before anything (the install key included) is written.
  assertAllowEntries(options.rsync.allow ?? []);
  let fleet = await loadValidFleet(options.loadFleet);
  const secret = await loadInstallSecret(options.paths);
  const rsync: ListenAddress = {
    address: options.rsync.address,
    port: options.rsync.port === 0 ? await freePort(options.rsync.address) : options.rsync.port,
  };
  const template = compileRsyncdConfTemplate();
  let config: RsyncdConfig | undefined;
  let writing: Promise<unknown> = Promise.resolve();
  // One writer at a time: a reload and a deploy of a new version must not interleave their renames.
  const rewriteConfig = (next: ServeFleet): Promise<void> => {
    const run = writing.catch(() => undefined).then(async () => {
      const planned = planRsyncdConfig({
        paths: options.paths,
        fleet: next,
        versions: await listImageVersionsOnDisk(options.paths),
        extraAllow: options.rsync.allow ?? [],
        ...(options.rsync.maxConnections === undefined ? {} : { maxConnections: options.rsync.maxConnections }),
      });
      await writeRsyncdFiles(planned, renderRsyncdSecrets(next, secret), template);
      config = planned;
    });
    writing = run;
    return run;
  };
  await rewriteConfig(fleet);

  const files = rsyncdFiles(options.paths);
  const daemon = superviseRsyncDaemon({
    spec: { configFile: files.configFile, pidFile: files.pidFile, address: rsync.address, port: rsync.port, ...(options.rsync.command === undefined ? {} : { command: options.rsync.command }) },
    log: options.log,
    ...(options.restartPolicy === undefined ? {} : { policy: options.restartPolicy }),
    ...(options.spawnDaemon === undefined ? {} : { spawn: options.spawnDaemon }),
    ...(options.onFatal === undefined ? {} : { onGiveUp: options.onFatal }),
  });
  await daemon.start();

  const events = openEventLog(options.paths);
  const rsyncEndpoint = (localAddress: string | undefined): string => {
    const local = localAddress?.replace(/^::ffff:/, '');
    const address = isWildcardAddress(rsync.address) && local !== undefined ? local : rsync.address;
    return isIPv6(address) ? `[${address}]:${rsync.port}` : `${address}:${rsync.port}`;
  };
  const server = createServeHttpServer({
    log: options.log,
    now,
    contextFor: (request) => ({
      paths: options.paths,
      fleet,
      secret,
      renderAnswerFile: options.renderAnswerFile,
      files: options.files,
      events,
      now,
      rsyncEndpoint,
      ensureImageModule: async (image, version) => {
        if (config?.modules.some((module) => module.name === imageModuleName(image, version)) !== true) await rewriteConfig(fleet);
      },
      rsyncDaemonPid: daemon.pid,
      request,
    }),
  });
  try {
    server.listen(options.http.port, options.http.address);
    await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => Promise.reject(error as Error))]);
  } catch (error) {
    await daemon.stop();
    throw new RootcastError('UNAVAILABLE', `cannot listen for HTTP on ${formatListenAddress(options.http)}: ${(error as Error).message}`, {
      hint: 'choose another --http ADDRESS:PORT, or stop what uses that port',
    });
  }
  const httpPort = (server.address() as AddressInfo).port;

  return {
    http: { address: options.http.address, port: httpPort },
    rsync,
    rsyncDaemonPid: daemon.pid,
    reload: async () => {
      try {
        const next = await loadValidFleet(options.loadFleet);
        await rewriteConfig(next);
        fleet = next;
        return { ok: true, hosts: next.hosts.length };
      } catch (error) {
        // Keep serving the fleet we have; the daemon still reads the last good files.
        await rewriteConfig(fleet).catch(() => undefined);
        return { ok: false, error };
      }
    },
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await Promise.all([closed, daemon.stop()]);
    },
  };
};

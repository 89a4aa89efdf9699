import { serverUrlProblems } from '../../server/server-url-check.js';
import type { Command } from '@commander-js/extra-typings';
import { RootcastError } from '../../errors/rootcast-error.js';
import type { ServeFiles } from '../../server/handlers/context.js';
import { defaultHttpListen, defaultRsyncListen, formatListenAddress, parseListenAddress } from '../../server/listen-address.js';
import { packageFile } from '../../package/package-root.js';
import { firstBootFiles } from '../../protocol/deploy-protocol.js';
import { serveUntilSignalled, type SignalSource } from '../../server/serve-until-signal.js';
import type { ServeSnapshot } from '../../server/serve-snapshot.js';
import { dashboardUrl, startServer } from '../../server/start-server.js';
import { dashboardPasswordFile, describeDashboardAccess } from '../../server/dashboard-access.js';
import { defaultRsyncLimits } from '../../sys/rsync-admission.js';
import { parseRsyncLimits } from '../../server/rsync-limits.js';
import { parseWebSeedPacing } from '../../server/web-seed-options.js';
import { buildContext, type CommandContext, type ContextSeed } from '../context.js';
import { startPxeServices, type PxeServices } from './serve-pxe.js';
import type { RunningServer } from '../../server/start-server.js';

/** The data sources serve needs (see serve-wiring.ts for the inventory-backed ones); tests inject their own. */
export interface ServeWiring {
  loadSnapshot: (context: CommandContext) => () => Promise<ServeSnapshot>;
  /** @default process */
  signals?: SignalSource;
  /** @default bootstrap.sh from boot/, the runner from dist/runner.cjs, this node binary */
  files?: Partial<ServeFiles>;
  /** The server URL answer files carry (the inventory's server.url), checked against where serve listens. */
  serverUrl?: (context: CommandContext) => Promise<string | undefined>;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** SIGHUP and SIGTERM reach the PXE services too. */
const withPxe = (server: RunningServer, pxe: PxeServices | undefined): RunningServer =>
  pxe === undefined
    ? server
    : {
        ...server,
        reload: async () => {
          const outcome = await server.reload();
          await pxe.reload();
          return outcome;
        },
        stop: async () => {
          await Promise.all([server.stop(), pxe.stop()]);
        },
      };

export const registerServeCommand = (program: Command, seed: ContextSeed, wiring: ServeWiring): void => {
  program
    .command('serve')
    .description('serve answer files, the runner and images (HTTP + rsync) until stopped')
    .option('--http <addr:port>', `HTTP listen address`, formatListenAddress(defaultHttpListen))
    .option('--rsync <addr:port>', `rsync listen address (one rsync --daemon per connection)`, formatListenAddress(defaultRsyncListen))
    .option('--rsync-allow <cidr>', 'also let this address or CIDR reach the rsync daemon (repeatable; hosts without a fixed IP)', collect, [] as string[])
    .option('--rsync-max-per-client <n>', `rsync connections one address may hold at once (default ${defaultRsyncLimits.perClient})`)
    .option('--rsync-max <n>', `rsync connections in all (default ${defaultRsyncLimits.total})`)
    .option('--rsync-auth-timeout <seconds>', `close an rsync connection that has not authenticated by then (default ${defaultRsyncLimits.preAuthMs / 1000})`)
    .option('--tracker <addr:port>', 'answer BitTorrent announces on this address instead of the HTTP port (docs/fanout.md)')
    .option('--web-seed-resend-rate <mbit>', 'while a swarm has several incomplete peers, pieces the web seed already sent go out again at most this fast in all (Mbit/s; 0: off; docs/fanout.md)')
    .option('--pxe', 'also serve PXE: sync the boot tree, TFTP on port 69 of the PXE interface\'s addresses, and a supervised dnsmasq (DHCP or proxy-DHCP, from pxe: in the inventory)')
    .option('--pxe-interface <name>', 'the interface dnsmasq and TFTP bind to (default: pxe.interface)')
    .addHelpText('after', '\nSignals: SIGHUP reloads the inventory, SIGTERM/SIGINT stop. See docs/serve.md and docs/pxe.md.')
    .action(async (options, command) => {
      // A server whose log reader went away keeps serving (its supervised daemons stop only with it).
      seed.closedOutput?.outlive();
      const context = buildContext(command, seed);
      const http = parseListenAddress(options.http, '--http');
      const rsync = parseListenAddress(options.rsync, '--rsync');
      const tracker = options.tracker === undefined ? undefined : parseListenAddress(options.tracker, '--tracker');
      const webSeed = parseWebSeedPacing(options.webSeedResendRate);
      const limits = parseRsyncLimits({ perClient: options.rsyncMaxPerClient, total: options.rsyncMax, authTimeout: options.rsyncAuthTimeout });
      const log = (line: string): void => void context.stderr.write(`${line}\n`);
      if (options.pxeInterface !== undefined && options.pxe !== true) throw new RootcastError('USAGE', '--pxe-interface needs --pxe');
      const pxe: PxeServices | undefined = options.pxe === true
        ? await startPxeServices({ paths: context.paths, log, now: context.now, ...(options.pxeInterface === undefined ? {} : { interface: options.pxeInterface }) })
        : undefined;
      const server = await startServer({
        paths: context.paths,
        http,
        rsync: { ...rsync, allow: options.rsyncAllow, limits },
        loadSnapshot: wiring.loadSnapshot(context),
        files: {
          bootstrapScript: wiring.files?.bootstrapScript ?? packageFile('boot', 'bootstrap.sh'),
          firstBoot: wiring.files?.firstBoot ?? { script: packageFile('boot', firstBootFiles.script), unit: packageFile('boot', firstBootFiles.unit) },
          runnerBundle: wiring.files?.runnerBundle ?? packageFile('dist', 'runner.cjs'),
          nodeBinary: wiring.files?.nodeBinary ?? process.execPath,
        },
        log,
        now: context.now,
        exec: context.exec,
        ...(tracker === undefined ? {} : { tracker }),
        webSeed,
        ...(pxe === undefined ? {} : { pxe: pxe.hooks }),
      }).catch(async (error: unknown) => {
        await pxe?.stop();
        throw error;
      });
      const trackerUrl = server.tracker === undefined ? undefined : `http://${formatListenAddress(server.tracker)}/`;
      const dashboard = { url: dashboardUrl(server.http), login: server.dashboard.kind === 'open' ? null : { user: 'rootcast', passwordFile: dashboardPasswordFile(context.paths) } };
      // Signals are taken before serve says it listens: a SIGHUP sent right after that (a test, systemd's reload) was lost.
      const running = serveUntilSignalled(withPxe(server, pxe), wiring.signals ?? process, log);
      running.catch(() => undefined);
      const listening = { http: `http://${formatListenAddress(server.http)}/`, rsync: `rsync://${formatListenAddress(server.rsync)}/`, home: context.paths.home, pid: process.pid, pxe: pxe !== undefined, dashboard, ...(trackerUrl === undefined ? {} : { tracker: trackerUrl }) };
      context.stdout.write(
        context.json
          ? `${JSON.stringify(listening)}\n`
          : `rootcast serve: HTTP on ${listening.http}, rsync daemon on ${listening.rsync}${trackerUrl === undefined ? '' : `, tracker on ${trackerUrl}`}${pxe === undefined ? '' : ', PXE'} (home ${listening.home}, pid ${listening.pid})\n${describeDashboardAccess(server.dashboard, dashboard.url)}\n`,
      );
      for (const problem of serverUrlProblems(await wiring.serverUrl?.(context), server.http)) log(`rootcast serve: warning: ${problem}`);
      await running;
    });
};

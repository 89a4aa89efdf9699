import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { apiPrefix, imageModuleName, type DeployInstructions, type DistroFamily, type RunnerEvent } from '../../src/protocol/deploy-protocol.js';
import { freePort } from '../../src/sys/free-port.js';

/**
 * A stand-in for `rootcast serve`, ONLY for runner tests until serve lands: a node:http server
 * speaking src/protocol/deploy-protocol.ts and a real `rsync --daemon --no-detach` with a
 * hand-written rsyncd.conf, both on 127.0.0.1 ephemeral ports.
 */
export interface FixtureHost {
  name: string;
  token: string;
  image: string;
  version: number;
  /** Directory served as the image module. */
  imageRoot: string;
  keepPaths: string[];
  /** @default 'debian' */
  family?: DistroFamily;
  /** The daemon's password for the host when it should differ from the HTTP token. @default token */
  rsyncToken?: string;
  /** Leave the image module out of rsyncd.conf (an image version the server does not serve). @default true */
  serveModule?: boolean;
}

export interface DeployFixture {
  url: string;
  rsyncPort: number;
  /** Events the runner POSTed, in arrival order. */
  events: RunnerEvent[];
  /** Every request line ("GET /api/..."), for asserting what the runner asked. */
  requests: string[];
  close(): Promise<void>;
}

export interface DeployFixtureOptions {
  hosts: FixtureHost[];
  /** Scratch directory for rsyncd.conf, its secrets file and log. */
  workDir: string;
  /** Extra static files by URL path (e.g. "/runner/runner.cjs" → a local file). */
  files?: Record<string, string>;
}

const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** The daemon config serve is meant to generate, reduced to what the runner relies on. */
export const buildFixtureRsyncdConf = (hosts: readonly FixtureHost[], workDir: string): string =>
  [
    'use chroot = yes',
    'numeric ids = yes',
    `log file = ${join(workDir, 'rsyncd.log')}`,
    ...hosts.filter((host) => host.serveModule !== false).flatMap((host) => [
      `[${imageModuleName(host.image, host.version)}]`,
      `  path = ${host.imageRoot}`,
      '  read only = yes',
      '  uid = 0',
      '  gid = 0',
      `  auth users = ${host.name}`,
      `  secrets file = ${join(workDir, 'rsyncd.secrets')}`,
      '  hosts allow = 127.0.0.1',
      '  refuse options = delete',
    ]),
    '',
  ].join('\n');

const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const startRsyncDaemon = async (options: DeployFixtureOptions): Promise<{ port: number; child: ChildProcess }> => {
  const conf = join(options.workDir, 'rsyncd.conf');
  const secrets = join(options.workDir, 'rsyncd.secrets');
  await writeFile(conf, buildFixtureRsyncdConf(options.hosts, options.workDir));
  await writeFile(secrets, options.hosts.map((host) => `${host.name}:${host.rsyncToken ?? host.token}\n`).join(''), { mode: 0o600 });
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const port = await freePort();
    const child = spawn('rsync', ['--daemon', '--no-detach', '--address=127.0.0.1', `--port=${port}`, `--config=${conf}`], { stdio: 'ignore' });
    for (let wait = 0; wait < 50 && child.exitCode === null; wait += 1) {
      if (await canConnect(port)) return { port, child };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.kill('SIGKILL');
  }
  throw new Error('the fixture rsync daemon did not start');
};

export const startDeployFixture = async (options: DeployFixtureOptions): Promise<DeployFixture> => {
  const daemon = await startRsyncDaemon(options);
  const events: RunnerEvent[] = [];
  const requests: string[] = [];
  const byName = new Map(options.hosts.map((host) => [host.name, host]));
  const hostRoute = new RegExp(`^${apiPrefix}/hosts/([^/]+)/(deploy|events)$`);
  const server: Server = createServer((request, response) => {
    void (async () => {
      const path = new URL(request.url ?? '/', 'http://fixture').pathname;
      requests.push(`${request.method ?? ''} ${path}`);
      const staticFile = options.files?.[path];
      if (request.method === 'GET' && staticFile !== undefined) {
        response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(await readFile(staticFile));
        return;
      }
      const match = hostRoute.exec(path);
      const host = match === null ? undefined : byName.get(decodeURIComponent(match[1] ?? ''));
      if (match === null || host === undefined) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end(match === null ? 'not found\n' : 'unknown host\n');
        return;
      }
      if (request.headers.authorization !== `Bearer ${host.token}`) {
        response.writeHead(401, { 'content-type': 'text/plain' }).end('bad install token\n');
        return;
      }
      if (match[2] === 'deploy' && request.method === 'GET') {
        const instructions: DeployInstructions = {
          host: host.name,
          image: host.image,
          version: host.version,
          ref: `${host.image}@${host.version}`,
          rsync: { url: `rsync://127.0.0.1:${daemon.port}/${imageModuleName(host.image, host.version)}/`, user: host.name },
          keepPaths: host.keepPaths,
          family: host.family ?? 'debian',
        };
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(instructions));
        return;
      }
      if (match[2] === 'events' && request.method === 'POST') {
        events.push(JSON.parse(await readBody(request)) as RunnerEvent);
        response.writeHead(204).end();
        return;
      }
      response.writeHead(405).end();
    })().catch((error: unknown) => {
      response.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    rsyncPort: daemon.port,
    events,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const exited = new Promise<void>((resolve) => daemon.child.once('exit', () => resolve()));
      if (daemon.child.exitCode === null) {
        daemon.child.kill('SIGTERM');
        await exited;
      }
    },
  };
};

import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import type { HomePaths } from '../../src/home/paths.js';
import type { ServeFleet } from '../../src/server/serve-fleet.js';
import { startServer, type RunningServer, type StartServerOptions } from '../../src/server/start-server.js';

/** A store with web@1 (tagged stable) and web@2; web@1 holds a root-only file owned by uid 1234. */
export const buildFixtureStore = async (paths: HomePaths): Promise<void> => {
  for (const version of [1, 2]) {
    const root = join(paths.imagesDir, 'web', String(version), 'root');
    await mkdir(join(root, 'etc'), { recursive: true });
    await writeFile(join(root, 'etc', 'motd'), `web version ${version}\n`);
    await writeFile(join(paths.imagesDir, 'web', String(version), 'manifest.json'), JSON.stringify({ image: 'web', version }));
  }
  const secret = join(paths.imagesDir, 'web', '1', 'root', 'etc', 'shadow');
  await writeFile(secret, 'root:*:1::::::\n');
  await chmod(secret, 0o600);
  await chown(secret, 1234, 1234);
  await writeFile(join(paths.imagesDir, 'web', 'tags.json'), JSON.stringify({ stable: 1 }));
};

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request with the path sent byte for byte (fetch would normalise "..", which is what we test). */
export const rawRequest = (
  port: number,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer; host?: string } = {},
): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const outgoing = request({ host: options.host ?? '127.0.0.1', port, method, path, headers: options.headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });

/**
 * serve on 127.0.0.1 (ephemeral ports) over `paths` with a fixed fleet; its answer files are one line,
 * `# token <install token>`, so a test gets tokens the way an installer does. No runner files.
 */
export const startTokenServe = (paths: HomePaths, work: string, fleet: ServeFleet, extra: Partial<StartServerOptions> = {}): Promise<RunningServer> =>
  startServer({
    paths,
    http: { address: '127.0.0.1', port: 0 },
    rsync: { address: '127.0.0.1', port: 0 },
    loadSnapshot: async () => ({ fleet, renderAnswerFile: async (_kind, _host, { installToken }) => `# token ${installToken}\n` }),
    files: { bootstrapScript: join(work, 'none'), firstBoot: { script: join(work, 'none'), unit: join(work, 'none') }, runnerBundle: join(work, 'none'), nodeBinary: join(work, 'none') },
    log: () => undefined,
    ...extra,
  });

import { parseArgs } from 'node:util';
import { RootcastError } from '../errors/rootcast-error.js';
import type { RawRunnerOptions } from './options.js';

/** The bundle's own argv parsing (node:util): the target must not need commander or node_modules. */
export const runnerUsage = `Usage: node runner.cjs --target DIR --server URL --host NAME [--token TOKEN] [options]

Deploys this host's image onto the installed system at DIR: copies the installed root into RAM,
chroots there and rsyncs the image over DIR, reporting every phase to the server.

Options:
  --target DIR            the installed root (its mount point, or / when run chrooted into it)
  --server URL            rootcast serve's URL, e.g. http://10.0.0.1:8780
  --host NAME             this machine's name in the inventory
  --token TOKEN           the install token (default: $ROOTCAST_TOKEN; prefer the
                          environment or --token-file: argv is world-readable in /proc)
  --token-file FILE       read the install token from FILE
  --dry-run               print the plan and change nothing
  --json                  with --dry-run: print the plan as JSON
  --work-dir DIR          where the RAM toolbox is mounted (default /run/rootcast)
  --retries N             tries for each network operation, backing off up to 30 s with jitter (default 20)
  --bwlimit KIBPS         limit the image pull's bandwidth
  --progress-interval S   seconds between progress events (default 2)
  --help                  show this help

Exit statuses: 0 ok, 64 usage, 65 bad data, 66 not found, 69 unavailable, 70 internal,
75 temporary failure (re-run), 77 authentication.`;

export type ParsedRunnerArgs = { help: true } | { help: false; raw: RawRunnerOptions };

export const parseRunnerArgs = (argv: readonly string[]): ParsedRunnerArgs => {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        target: { type: 'string' },
        server: { type: 'string' },
        host: { type: 'string' },
        token: { type: 'string' },
        'token-file': { type: 'string' },
        'dry-run': { type: 'boolean' },
        json: { type: 'boolean' },
        'work-dir': { type: 'string' },
        retries: { type: 'string' },
        bwlimit: { type: 'string' },
        'progress-interval': { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new RootcastError('USAGE', error instanceof Error ? error.message : String(error), { hint: 'run with --help for the options' });
  }
  if (values.help === true) return { help: true };
  return {
    help: false,
    raw: {
      target: values.target,
      server: values.server,
      host: values.host,
      token: values.token,
      tokenFile: values['token-file'],
      dryRun: values['dry-run'],
      json: values.json,
      workDir: values['work-dir'],
      retries: values.retries,
      bwlimit: values.bwlimit,
      progressInterval: values['progress-interval'],
    },
  };
};

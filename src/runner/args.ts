import { parseArgs, type ParseArgsConfig } from 'node:util';
import { RootcastError } from '../errors/rootcast-error.js';
import { describeRunnerOption, runnerOptionTable, type RawRunnerOptions } from './option-table.js';

const optionColumn = 24;

/** The bundle's --help, written from the option table. */
export const runnerUsage = `Usage: node runner.cjs --target DIR --server URL --host NAME [--token TOKEN] [options]

Deploys this host's image onto the installed system at DIR: copies the installed root into RAM,
chroots there, rsyncs the image and then the host's override layers over DIR, keeps or makes its
machine id and SSH host keys, rebuilds the initramfs and installs the boot loader on this machine's
disk, enables the first-boot report and records the delivery in /etc/rootcast/deployed.json,
reporting every phase to the server.

Options:
${[...runnerOptionTable.map((spec) => [`--${spec.flag}${spec.value === undefined ? '' : ` ${spec.value}`}`, describeRunnerOption(spec)]), ['--help', 'show this help']]
  .map(([flag = '', help = '']) => `  ${flag.padEnd(optionColumn)}${help}`)
  .join('\n')}

Exit statuses: 0 ok, 64 usage, 65 bad data, 66 not found, 69 unavailable, 70 internal,
75 temporary failure (re-run), 77 authentication.`;

export type ParsedRunnerArgs = { help: true } | { help: false; raw: RawRunnerOptions };

/** parseArgs' declaration of the table (node:util: the bundle must not need commander or node_modules). */
const parseArgsOptions: NonNullable<ParseArgsConfig['options']> = Object.fromEntries([
  ...runnerOptionTable.map((spec) => [spec.flag, { type: spec.value === undefined ? 'boolean' : 'string' } as const]),
  ['help', { type: 'boolean' } as const],
]);

export const parseRunnerArgs = (argv: readonly string[]): ParsedRunnerArgs => {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], strict: true, allowPositionals: false, options: parseArgsOptions }));
  } catch (error) {
    throw new RootcastError('USAGE', error instanceof Error ? error.message : String(error));
  }
  if (values['help'] === true) return { help: true };
  return { help: false, raw: Object.fromEntries(runnerOptionTable.map((spec) => [spec.key, values[spec.flag]])) as RawRunnerOptions };
};

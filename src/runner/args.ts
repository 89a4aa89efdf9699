import { formatOptionLines, parseOptionArgs } from './option-spec.js';
import { runnerOptionTable, type RawRunnerOptions } from './option-table.js';

const optionColumn = 24;

/** The bundle's --help, written from the option table. */
export const runnerUsage = `Usage: node runner.cjs --target DIR --server URL --host NAME [--token TOKEN] [options]

Deploys this host's image onto the installed system at DIR: copies the installed root into RAM,
chroots there, rsyncs the image and then the host's override layers over DIR, keeps or makes its
machine id and SSH host keys, rebuilds the initramfs and installs the boot loader on this machine's
disk, enables the first-boot report and records the delivery in /etc/rootcast/deployed.json,
reporting every phase to the server.

Options:
${formatOptionLines(runnerOptionTable, optionColumn)}

Exit statuses: 0 ok, 64 usage, 65 bad data, 66 not found, 69 unavailable, 70 internal,
75 temporary failure (re-run), 77 authentication.`;

export type ParsedRunnerArgs = { help: true } | { help: false; raw: RawRunnerOptions };

export const parseRunnerArgs = (argv: readonly string[]): ParsedRunnerArgs => parseOptionArgs<RawRunnerOptions>(runnerOptionTable, argv);

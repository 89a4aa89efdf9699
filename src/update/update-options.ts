import { resolve } from 'node:path';
import { RootcastError } from '../errors/rootcast-error.js';
import { imageRefProblem } from '../image/ref.js';
import { updateViaValues, type UpdateVia } from '../protocol/update-protocol.js';
import { checkBwlimit, checkRetries, checkServerUrl, checkWholeNumber } from '../runner/option-checks.js';
import { formatOptionLines, parseOptionArgs, type OptionSpec } from '../runner/option-spec.js';
import { defaultRetryPolicy } from '../runner/retry-policy.js';
import { defaultStallSeconds } from '../sys/rsync-pull.js';

/** `rootcast update` as typed, before validation. */
export interface RawUpdateOptions {
  server?: string | undefined;
  image?: string | undefined;
  rollback?: boolean | undefined;
  dryRun?: boolean | undefined;
  text?: boolean | undefined;
  json?: boolean | undefined;
  noDelete?: boolean | undefined;
  noBootloader?: boolean | undefined;
  reboot?: boolean | undefined;
  targetRoot?: string | undefined;
  via?: string | undefined;
  retries?: string | undefined;
  bwlimit?: string | undefined;
  stallTimeout?: string | undefined;
}

/** One option, declared once for the bundle's parseArgs and the CLI's commander (runner/option-spec.ts). */
export type UpdateOptionSpec = OptionSpec<keyof RawUpdateOptions>;

export const updateOptionTable: readonly UpdateOptionSpec[] = [
  { flag: 'image', key: 'image', value: 'REF', help: 'the version to go to: web@8, web@stable (default: the host\'s version in the inventory); another image only once the inventory sets the host to it' },
  { flag: 'rollback', key: 'rollback', help: 'go back to the version before the current one (deployed.json\'s history)' },
  { flag: 'dry-run', key: 'dryRun', help: 'list what would change (action, size change, owning layer) and change nothing' },
  { flag: 'text', key: 'text', help: 'with --dry-run: unified diffs of changed text files (private ones, not world-readable, are named, not shown)' },
  { flag: 'json', key: 'json', help: 'print the result (or the dry run) as JSON', global: true },
  { flag: 'no-delete', key: 'noDelete', help: 'only add and change files; delete nothing the version lacks' },
  { flag: 'no-bootloader', key: 'noBootloader', help: 'do not rebuild the initramfs and boot loader configuration after a kernel change' },
  { flag: 'reboot', key: 'reboot', help: 'reboot when the update needs it (a kernel or /boot changed)' },
  { flag: 'server', key: 'server', value: 'URL', help: 'the server (default: /etc/rootcast/client.json\'s)' },
  { flag: 'target-root', key: 'targetRoot', value: 'DIR', help: 'update the host installed at DIR instead of / (tests, rescue systems)', default: '/' },
  { flag: 'via', key: 'via', value: 'KIND', help: 'how the update was started, for the server\'s record: update or push', default: 'update' },
  { flag: 'retries', key: 'retries', value: 'N', help: 'tries for each network operation', default: String(defaultRetryPolicy.attempts) },
  { flag: 'bwlimit', key: 'bwlimit', value: 'KIBPS', help: 'limit the passes\' bandwidth (KiB/s)' },
  { flag: 'stall-timeout', key: 'stallTimeout', value: 'S', help: 'kill a pass that prints nothing for S seconds and retry it (a stopped server; raise it for roots of millions of files, whose comparison is silent)', default: String(defaultStallSeconds) },
];

export interface UpdateOptions {
  server: string | undefined;
  image: string | undefined;
  rollback: boolean;
  dryRun: boolean;
  text: boolean;
  json: boolean;
  delete: boolean;
  bootloader: boolean;
  reboot: boolean;
  targetRoot: string;
  via: UpdateVia;
  retries: number;
  bwlimitKiB: number | undefined;
  /** Seconds a pass may print nothing before it is killed and retried. */
  stallSeconds: number;
}

const usage = (problems: readonly string[]): RootcastError =>
  new RootcastError('USAGE', problems.length === 1 ? (problems[0] as string) : `${problems.length} problems with the options`, {
    details: problems.length === 1 ? [] : [...problems],
  });

/** Validates every option at once (64 naming each problem). */
export const parseUpdateOptions = (raw: RawUpdateOptions): UpdateOptions => {
  const problems: string[] = [];
  if (raw.image !== undefined && raw.rollback === true) problems.push('--image and --rollback name two different targets: give one');
  const imageProblem = raw.image === undefined ? undefined : imageRefProblem(raw.image);
  if (imageProblem !== undefined) problems.push(`--image: ${imageProblem}`);
  if (raw.text === true && raw.dryRun !== true) problems.push('--text shows the diffs of a dry run: add --dry-run');
  const server = raw.server === undefined ? undefined : checkServerUrl('--server', raw.server, problems);
  const via = raw.via ?? 'update';
  if (!(updateViaValues as readonly string[]).includes(via)) problems.push(`--via "${via}" is not one of ${updateViaValues.join(', ')}`);
  const retries = checkRetries(raw.retries ?? String(defaultRetryPolicy.attempts), problems);
  const bwlimit = raw.bwlimit === undefined ? undefined : checkBwlimit(raw.bwlimit, problems);
  const stallSeconds = checkWholeNumber('--stall-timeout', raw.stallTimeout ?? String(defaultStallSeconds), { min: 1 }, problems);
  const root = raw.targetRoot ?? '/';
  if (problems.length > 0) throw usage(problems);
  return {
    server,
    image: raw.image,
    rollback: raw.rollback === true,
    dryRun: raw.dryRun === true,
    text: raw.text === true,
    json: raw.json === true,
    delete: raw.noDelete !== true,
    bootloader: raw.noBootloader !== true,
    reboot: raw.reboot === true,
    targetRoot: resolve(root),
    via: via as UpdateVia,
    retries,
    bwlimitKiB: bwlimit,
    stallSeconds,
  };
};

const optionColumn = 22;

/** The bundle's `update --help`, written from the table. */
export const updateUsage = `Usage: node runner.cjs update [options]      (rootcast update [options])

Brings this host to a version of its image plus its override layers, as a fresh install of that
version would leave it (docs/update.md), with the credential rootcast left in /etc/rootcast.

Options:
${formatOptionLines(updateOptionTable, optionColumn)}

Exit statuses: 0 ok, 64 usage, 65 bad data, 66 not found, 69 unavailable, 70 internal,
75 temporary failure or interrupted (re-run), 77 credential refused.`;

/** The bundle's argv after `update` (node:util parseArgs: the bundle carries no commander). */
export const parseUpdateArgs = (argv: readonly string[]): { help: true } | { help: false; raw: RawUpdateOptions } => parseOptionArgs<RawUpdateOptions>(updateOptionTable, argv);

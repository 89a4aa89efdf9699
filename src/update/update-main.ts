import { readFile } from 'node:fs/promises';
import { describeError, formatErrorText, withUsageHint } from '../errors/format-error.js';
import { guardClosedOutput } from '../sys/closed-output.js';
import { execProcess } from '../sys/exec.js';
import { enterPrivateMountNamespace } from '../sys/mount-namespace.js';
import { streamProcess } from '../sys/stream-process.js';
import { sleepUnlessAborted } from '../runner/retry-policy.js';
import { formatUpdateReport } from './print-update.js';
import { runUpdate, type UpdateEffects, type UpdateReport } from './run-update.js';
import { parseUpdateArgs, parseUpdateOptions, updateUsage, type UpdateOptions } from './update-options.js';
import { rebootIfNeeded } from './reboot.js';

/** The effects of a real update; tests and `rootcast update` pass their own exec and clock. */
export const realUpdateEffects = (stderr: { write(text: string): unknown }): UpdateEffects => ({
  exec: execProcess,
  stream: streamProcess,
  fetch: globalThis.fetch,
  now: () => new Date(),
  sleep: sleepUnlessAborted,
  readMountinfo: () => readFile('/proc/self/mountinfo', 'utf8'),
  enterNamespace: (holder) => enterPrivateMountNamespace(holder),
  note: (line) => void stderr.write(`${line}\n`),
});

/** Runs one update and prints its report (JSON on stdout with --json); the caller maps errors to exit statuses. */
export const runAndPrintUpdate = async (options: UpdateOptions, effects: UpdateEffects, stdout: { write(text: string): unknown }): Promise<UpdateReport> => {
  const { report, plan } = await runUpdate(options, effects);
  stdout.write(options.json ? `${JSON.stringify(report)}\n` : `${formatUpdateReport(report)}\n`);
  await rebootIfNeeded(report, plan.reboot, options, effects);
  return report;
};

/**
 * A reader that went away (push's --timeout closed its SSH session: sshd closes the pipes, it sends no signal)
 * must not end the update at its next line with EPIPE, between two passes or before the boot commands
 * (measured: it died so after its image pass); it finishes, or fails, on its own and tells serve.
 */
export const outliveClosedOutput = (streams: readonly NodeJS.EventEmitter[]): void =>
  guardClosedOutput(streams, () => undefined).outlive();

/** `node runner.cjs update …` (src/bundle/main.ts): returns the exit status; errors are printed here only. */
export const runUpdateMain = async (argv: readonly string[]): Promise<number> => {
  outliveClosedOutput([process.stdout, process.stderr]);
  try {
    const parsed = parseUpdateArgs(argv);
    if (parsed.help) {
      process.stdout.write(`${updateUsage}\n`);
      return 0;
    }
    const self = process.argv[1] === undefined ? undefined : { node: process.execPath, runner: process.argv[1] };
    await runAndPrintUpdate(parseUpdateOptions(parsed.raw), { ...realUpdateEffects(process.stderr), self }, process.stdout);
    return 0;
  } catch (error) {
    const printed = withUsageHint(describeError(error), 'node runner.cjs update --help lists the options');
    process.stderr.write(formatErrorText(printed).replace(/^rootcast:/, 'rootcast update:'));
    return printed.exitStatus;
  }
};

/**
 * The runner as its own process (bundled by esbuild at test time), with real effects wrapped in
 * recorders: it prints the plan (--dry-run, text and JSON), then deploys for real, and writes to
 * $RECORD_FILE what it printed and every request it made to spawn a program.
 * argv: the runner's own options (the token from $ROOTCAST_TOKEN).
 */
import { writeFile } from 'node:fs/promises';
import { describeError, formatErrorText } from '../../src/errors/format-error.js';
import { parseRunnerArgs } from '../../src/runner/args.js';
import { runDeploy, type RunnerEffects } from '../../src/runner/deploy.js';
import { parseRunnerOptions } from '../../src/runner/options.js';
import { realRunnerEffects } from '../../src/runner/real-effects.js';
import type { RecordedSpawn } from '../helpers/recording-exec.js';

export interface Recording {
  dryRunText: string;
  dryRunJson: string;
  /** Spawned while printing the plan (the facts are read for a dry run too). */
  dryRunSpawns: RecordedSpawn[];
  spawns: RecordedSpawn[];
}

const main = async (): Promise<void> => {
  const parsed = parseRunnerArgs(process.argv.slice(2));
  if (parsed.help) throw new Error('no --help here');
  const options = parseRunnerOptions(parsed.raw, process.env);
  const real = realRunnerEffects();
  let spawns: RecordedSpawn[] = [];
  let printed = '';
  const effects: RunnerEffects = {
    ...real,
    exec: (request) => {
      spawns.push({ via: 'exec', command: request.command, args: [...request.args], env: Object.keys(request.env ?? {}) });
      return real.exec(request);
    },
    enterNamespace: (holder) => {
      spawns.push({ via: 'namespace', command: holder.program, args: [...holder.args], env: [] });
      return real.enterNamespace(holder);
    },
    stream: (request) => {
      spawns.push({ via: 'stream', command: request.command, args: [...request.args], env: Object.keys(request.env) });
      return real.stream(request);
    },
    stdout: { write: (text: string) => (printed += text) },
  };
  await runDeploy({ ...options, dryRun: true, json: false }, effects);
  const dryRunText = printed;
  printed = '';
  await runDeploy({ ...options, dryRun: true, json: true }, effects);
  const dryRunJson = printed;
  const dryRunSpawns = spawns;
  spawns = [];
  await runDeploy({ ...options, dryRun: false }, effects);
  const recording: Recording = { dryRunText, dryRunJson, dryRunSpawns, spawns };
  await writeFile(process.env['RECORD_FILE'] ?? '', JSON.stringify(recording));
};

main().catch((error: unknown) => {
  process.stderr.write(formatErrorText(describeError(error)));
  process.exitCode = describeError(error).exitStatus;
});

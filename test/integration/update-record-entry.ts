/**
 * `runner.cjs update` as its own process (bundled by esbuild at test time), with real effects wrapped in recorders:
 * it prints the dry run (text and JSON), then updates for real, and writes to $RECORD_FILE what it printed and every
 * request it made to spawn a program (the namespace holder included). argv: the update's own options.
 */
import { writeFile } from 'node:fs/promises';
import { describeError, formatErrorText } from '../../src/errors/format-error.js';
import { formatUpdateReport } from '../../src/update/print-update.js';
import { runUpdate, type UpdateEffects } from '../../src/update/run-update.js';
import { realUpdateEffects } from '../../src/update/update-main.js';
import { parseUpdateArgs, parseUpdateOptions } from '../../src/update/update-options.js';
import type { RecordedSpawn } from '../helpers/recording-exec.js';

export interface UpdateRecording {
  dryRunText: string;
  dryRunJson: string;
  /** What the dry runs spawned: the holder and the passes' own --dry-run previews. */
  dryRunSpawns: RecordedSpawn[];
  spawns: RecordedSpawn[];
}

const main = async (): Promise<void> => {
  const parsed = parseUpdateArgs(process.argv.slice(2));
  if (parsed.help) throw new Error('no --help here');
  const options = parseUpdateOptions(parsed.raw);
  const real = realUpdateEffects(process.stderr);
  let spawns: RecordedSpawn[] = [];
  const effects: UpdateEffects = {
    ...real,
    exec: (request) => {
      spawns.push({ via: 'exec', command: request.command, args: [...request.args], env: Object.keys(request.env ?? {}) });
      return real.exec(request);
    },
    stream: (request) => {
      spawns.push({ via: 'stream', command: request.command, args: [...request.args], env: Object.keys(request.env) });
      return real.stream(request);
    },
    enterNamespace: (holder) => {
      spawns.push({ via: 'namespace', command: holder.program, args: [...holder.args], env: [] });
      return real.enterNamespace(holder);
    },
  };
  const dryRunText = formatUpdateReport((await runUpdate({ ...options, dryRun: true, json: false }, effects)).report);
  const dryRunJson = JSON.stringify((await runUpdate({ ...options, dryRun: true, json: true }, effects)).report);
  const dryRunSpawns = spawns;
  spawns = [];
  await runUpdate({ ...options, dryRun: false }, effects);
  const recording: UpdateRecording = { dryRunText, dryRunJson, dryRunSpawns, spawns };
  await writeFile(process.env['RECORD_FILE'] ?? '', JSON.stringify(recording));
};

main().catch((error: unknown) => {
  process.stderr.write(formatErrorText(describeError(error)));
  process.exitCode = describeError(error).exitStatus;
});

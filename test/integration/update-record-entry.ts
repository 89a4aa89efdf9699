/**
 * `runner.cjs update` as its own process (bundled by esbuild at test time), with real effects wrapped in recorders:
 * it prints the dry run (text and JSON), then updates for real, and writes to $RECORD_FILE what it printed and every
 * request it made to spawn a program (the namespace holder included). argv: the update's own options.
 */
import { formatUpdateReport } from '../../src/update/print-update.js';
import { runUpdate } from '../../src/update/run-update.js';
import { realUpdateEffects } from '../../src/update/update-main.js';
import { parseUpdateArgs, parseUpdateOptions } from '../../src/update/update-options.js';
import { writeSpawnRecording, type SpawnRecording } from '../helpers/recording-exec.js';

export type UpdateRecording = SpawnRecording;

const real = realUpdateEffects(process.stderr);
await writeSpawnRecording(real, (spawning) => {
  const parsed = parseUpdateArgs(process.argv.slice(2));
  if (parsed.help) throw new Error('no --help here');
  const options = parseUpdateOptions(parsed.raw);
  const effects = { ...real, ...spawning };
  return {
    dryRunText: async () => formatUpdateReport((await runUpdate({ ...options, dryRun: true, json: false }, effects)).report),
    dryRunJson: async () => JSON.stringify((await runUpdate({ ...options, dryRun: true, json: true }, effects)).report),
    run: () => runUpdate({ ...options, dryRun: false }, effects),
  };
});

/**
 * The runner as its own process (bundled by esbuild at test time), with real effects wrapped in
 * recorders: it prints the plan (--dry-run, text and JSON), then deploys for real, and writes to
 * $RECORD_FILE what it printed and every request it made to spawn a program.
 * argv: the runner's own options (the token from $ROOTCAST_TOKEN).
 */
import { parseRunnerArgs } from '../../src/runner/args.js';
import { runDeploy } from '../../src/runner/deploy.js';
import { parseRunnerOptions } from '../../src/runner/options.js';
import { realRunnerEffects } from '../../src/runner/real-effects.js';
import { writeSpawnRecording, type SpawnRecording } from '../helpers/recording-exec.js';

export type Recording = SpawnRecording;

const real = realRunnerEffects();
await writeSpawnRecording(real, (spawning) => {
  const parsed = parseRunnerArgs(process.argv.slice(2));
  if (parsed.help) throw new Error('no --help here');
  const options = parseRunnerOptions(parsed.raw, process.env);
  /** Runs the deploy with what it prints kept. */
  const printed = async (dry: { dryRun: boolean; json?: boolean }): Promise<string> => {
    let text = '';
    await runDeploy({ ...options, ...dry }, { ...real, ...spawning, stdout: { write: (chunk: string) => (text += chunk) } });
    return text;
  };
  return {
    dryRunText: () => printed({ dryRun: true, json: false }),
    dryRunJson: () => printed({ dryRun: true, json: true }),
    run: () => printed({ dryRun: false }),
  };
});

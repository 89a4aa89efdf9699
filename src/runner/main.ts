import { describeError, formatErrorText } from '../errors/format-error.js';
import { parseRunnerArgs, runnerUsage } from './args.js';
import { runDeploy } from './deploy.js';
import { parseRunnerOptions } from './options.js';
import { realRunnerEffects } from './real-effects.js';
import { readTokenFile } from './token-file.js';
import { runUpdateMain } from '../update/update-main.js';

/** Entry point of dist/runner.cjs: parse argv, deploy, set the exit status (errors printed here only). */
const main = async (): Promise<number> => {
  try {
    // `node runner.cjs update …`: the same bundle updates a deployed host (docs/update.md).
    if (process.argv[2] === 'update') return await runUpdateMain(process.argv.slice(3));
    const parsed = parseRunnerArgs(process.argv.slice(2));
    if (parsed.help) {
      process.stdout.write(`${runnerUsage}\n`);
      return 0;
    }
    const options = parseRunnerOptions(await readTokenFile(parsed.raw), process.env);
    await runDeploy(options, realRunnerEffects());
    return 0;
  } catch (error) {
    const printed = describeError(error);
    process.stderr.write(formatErrorText(printed).replace(/^rootcast:/, process.argv[2] === 'update' ? 'rootcast update:' : 'rootcast runner:'));
    return printed.exitStatus;
  }
};

void main().then((status) => {
  process.exitCode = status;
});

import { describeError, formatErrorText, withUsageHint } from '../errors/format-error.js';
import { parseRunnerArgs, runnerUsage } from './args.js';
import { runDeploy } from './deploy.js';
import { parseRunnerOptions } from './options.js';
import { realRunnerEffects } from './real-effects.js';
import { readTokenFile } from './token-file.js';

/** The bundle's deploy (src/bundle/main.ts): parse argv, deploy, return the exit status (errors printed here only). */
export const runDeployMain = async (argv: readonly string[]): Promise<number> => {
  try {
    const parsed = parseRunnerArgs(argv);
    if (parsed.help) {
      process.stdout.write(`${runnerUsage}\n`);
      return 0;
    }
    const options = parseRunnerOptions(await readTokenFile(parsed.raw), process.env);
    await runDeploy(options, realRunnerEffects());
    return 0;
  } catch (error) {
    const printed = withUsageHint(describeError(error), 'node runner.cjs --help lists the options');
    process.stderr.write(formatErrorText(printed).replace(/^rootcast:/, 'rootcast runner:'));
    return printed.exitStatus;
  }
};

import type { Command } from '@commander-js/extra-typings';
import { buildContext, type ContextSeed } from '../context.js';
import { runDeploy } from '../../runner/deploy.js';
import { parseRunnerOptions } from '../../runner/options.js';
import { sleepUnlessAborted } from '../../runner/retry-policy.js';
import { readTokenFile } from '../../runner/token-file.js';

/** `rootcast runner`: the same plan the installer's %post runs, started by hand. */
export const registerRunnerCommand = (program: Command, seed: ContextSeed): void => {
  program
    .command('runner')
    .description('deploy a host\'s image onto an installed root by hand (what the installer\'s %post runs)')
    .option('--target <dir>', 'the installed root: its mount point, or / when chrooted into it')
    .option('--server <url>', 'rootcast serve\'s URL, e.g. http://10.0.0.1:8780')
    .option('--host <name>', 'this machine\'s name in the inventory')
    .option('--token <token>', 'the install token (default: $ROOTCAST_TOKEN; argv is world-readable, prefer the environment)')
    .option('--token-file <file>', 'read the install token from this file')
    .option('--dry-run', 'print the plan and change nothing')
    .option('--work-dir <dir>', 'where the RAM toolbox is mounted (default /run/rootcast)')
    .option('--retries <n>', 'tries for each network operation, backing off up to 30 s with jitter (default 20)')
    .option('--bwlimit <kibps>', 'limit the image pull\'s bandwidth (KiB/s)')
    .option('--progress-interval <seconds>', 'seconds between progress events (default 3)')
    .action(async (flags, command) => {
      const ctx = buildContext(command, seed);
      const options = parseRunnerOptions(
        await readTokenFile({
          target: flags.target,
          server: flags.server,
          host: flags.host,
          token: flags.token,
          tokenFile: flags.tokenFile,
          dryRun: flags.dryRun,
          json: ctx.json,
          workDir: flags.workDir,
          retries: flags.retries,
          bwlimit: flags.bwlimit,
          progressInterval: flags.progressInterval,
        }),
        ctx.env,
      );
      await runDeploy(options, {
        exec: ctx.exec,
        fetch: globalThis.fetch,
        now: ctx.now,
        sleep: sleepUnlessAborted,
        stdout: ctx.stdout,
        stderr: ctx.stderr,
        pid: process.pid,
      });
    });
};

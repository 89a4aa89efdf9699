import { runDeployMain } from '../runner/main.js';
import { runUpdateMain } from '../update/update-main.js';

/**
 * Entry point of dist/runner.cjs: `node runner.cjs update …` updates the deployed host it runs on
 * (docs/update.md); anything else is the installer's deploy (docs/runner.md).
 */
const main = (argv: readonly string[]): Promise<number> => (argv[0] === 'update' ? runUpdateMain(argv.slice(1)) : runDeployMain(argv));

void main(process.argv.slice(2)).then((status) => {
  process.exitCode = status;
});

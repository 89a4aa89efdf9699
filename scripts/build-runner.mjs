#!/usr/bin/env node
// Bundles the runner into one file (dist/runner.cjs) that runs with a bare `node` on the installing
// machine: no node_modules there. Usage: node scripts/build-runner.mjs [--outfile FILE] [--list-sources]
// --list-sources: also print every file of src/ the bundle took in (from esbuild's metafile), one a line.
import { build } from 'esbuild';
import { chmod } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outIndex = process.argv.indexOf('--outfile');
const outfile = outIndex > 0 ? process.argv[outIndex + 1] : join(root, 'dist/runner.cjs');

// The runner never needs these; if an import chain ever pulls them in, fail loudly instead of shipping them.
const forbidden = /^(ssh2|cpu-features|commander|@commander-js\/extra-typings|handlebars)(\/|$)/;
const forbidHeavyDependencies = {
  name: 'forbid-heavy-dependencies',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: forbidden }, (args) => ({
      errors: [{ text: `the runner bundle must not import ${args.path} (imported by ${args.importer})` }],
    }));
    // ssh2's optional native addons, in case ssh2 is ever allowed in: stub them so the bundle loads.
    pluginBuild.onResolve({ filter: /\.node$/ }, (args) => ({ path: args.path, namespace: 'native-stub' }));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'native-stub' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

const result = await build({
  entryPoints: [join(root, 'src/bundle/main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  banner: { js: '#!/usr/bin/env node' },
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  plugins: [forbidHeavyDependencies],
});
await chmod(outfile, 0o755);
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
process.stderr.write(`build-runner: ${outfile} (${Math.round(bytes / 1024)} KiB)\n`);
if (process.argv.includes('--list-sources')) {
  const sources = Object.keys(result.metafile.inputs).filter((input) => input.startsWith('src/')).sort();
  process.stdout.write(`${sources.join('\n')}\n`);
}

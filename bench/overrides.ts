/**
 * bench/overrides: what serve pays per deploy request for one host's override tree. Layers of 1,000
 * files (600 in all, 300 in a group, 100 on the host) and 50 templates. Every request reads, resolves
 * and renders the layers (loadHostOverrides); the tree is written again (materialise: rsync per layer,
 * templates, image directory metadata) only when that result differs from the published one.
 * Prints medians; asserts nothing (benchmarks are not tests).
 *
 *   npm run bench:overrides                      # 1 warm-up, then 7 runs
 *   BENCH_FILES=5000 BENCH_TEMPLATES=200 npm run bench:overrides
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadHostOverrides } from '../src/overrides/host-overrides.js';
import { openOverridesPublisher } from '../src/server/overrides-publisher.js';
import { execProcess } from '../src/sys/exec.js';
import { addVersion, makeTempHome, removeHome } from '../test/helpers/image-builder.js';
import { web07Request } from '../test/helpers/override-fixture.js';

const files = Number(process.env['BENCH_FILES'] ?? '1000');
const templates = Number(process.env['BENCH_TEMPLATES'] ?? '50');
const repeats = Number(process.env['BENCH_REPEATS'] ?? '7');
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** `count` files of ~1 KiB in 20 directories per layer under `root`, the first `templated` of them templates. */
const fillLayer = (root: string, count: number, templated: number, label: string): void => {
  for (let index = 0; index < count; index += 1) {
    const dir = join(root, 'etc', `${label}.d${index % 20}`);
    mkdirSync(dir, { recursive: true });
    const template = index < templated;
    const body = template ? `# {{host.fqdn}} {{image.ref}} {{vars.role}}\n${'x'.repeat(1000)}\n` : `${label} ${index}\n${'y'.repeat(1000)}\n`;
    writeFileSync(join(dir, template ? `f${index}.conf.hbs` : `f${index}.conf`), body);
  }
};

const main = async (): Promise<void> => {
  const paths = await makeTempHome('rootcast-bench-ovl-');
  const work = mkdtempSync(join(tmpdir(), 'rootcast-bench-ovl-work-'));
  try {
    mkdirSync(join(work, 'golden/etc/ssh'), { recursive: true });
    writeFileSync(join(work, 'golden/etc/motd'), 'golden\n');
    await addVersion(paths, 'web', join(work, 'golden'));
    const split = [Math.round(files * 0.6), Math.round(files * 0.3)];
    const [inAll = 0, inGroup = 0] = split;
    fillLayer(join(paths.overridesDir, 'all'), inAll, 0, 'all');
    fillLayer(join(paths.overridesDir, 'group/web'), inGroup, 0, 'web');
    fillLayer(join(paths.overridesDir, 'host/web07'), files - inAll - inGroup, templates, 'host');
    const request = await web07Request(paths, { role: 'frontend' }, 'web07.lab.example');
    const resolveMs: number[] = [];
    const writeMs: number[] = [];
    const unchangedMs: number[] = [];
    const kept = openOverridesPublisher(paths, execProcess);
    for (let run = 0; run <= repeats; run += 1) {
      const started = performance.now();
      const overrides = await loadHostOverrides(request);
      const resolved = performance.now();
      // A new publisher knows no published tree: it always writes one.
      await openOverridesPublisher(paths, execProcess).publish(overrides);
      const written = performance.now();
      await kept.publish(await loadHostOverrides(request));
      const unchanged = performance.now();
      // The first run warms the page cache and node's JIT; it is not counted.
      if (run === 0) continue;
      resolveMs.push(resolved - started);
      writeMs.push(written - resolved);
      unchangedMs.push(unchanged - written);
    }
    const total = resolveMs.map((value, index) => value + (writeMs[index] ?? 0));
    const range = (values: number[]): string => `median ${median(values).toFixed(0)} ms (min ${Math.min(...values).toFixed(0)}, max ${Math.max(...values).toFixed(0)})`;
    console.log(`override tree of one host: ${files} files (${templates} templates) in 3 layers, ${repeats} runs`);
    console.log(`  read + resolve + render:            ${range(resolveMs)}`);
    console.log(`  write the tree (rsync) and swap:    ${range(writeMs)}`);
    console.log(`  deploy request, layers changed:     ${range(total)}`);
    console.log(`  deploy request, nothing changed:    ${range(unchangedMs)}`);
  } finally {
    await removeHome(paths);
    rmSync(work, { recursive: true, force: true });
  }
};

await main();

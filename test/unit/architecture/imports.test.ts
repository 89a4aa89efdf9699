import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const src = join(root, 'src');

/** The layer table of docs/design.md: `| 3 | \`credentials\` \`image\` | … |` → folder → layer. */
const readLayers = (): Map<string, number> => {
  const layers = new Map<string, number>();
  for (const line of readFileSync(join(root, 'docs/design.md'), 'utf8').split('\n')) {
    const row = /^\| (\d+) \| ([^|]+) \|/.exec(line);
    if (row === null) continue;
    for (const folder of row[2]?.match(/`([a-z-]+)`/g) ?? []) layers.set(folder.slice(1, -1), Number(row[1]));
  }
  return layers;
};

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );

/**
 * The relative modules a source text imports: `import … from`, `export … from` (type-only ones too), side-effect
 * `import './x.js'` and dynamic `import('./x.js')` — any quote, across lines.
 */
const importedSpecifiers = (text: string): string[] => [
  ...[...text.matchAll(/^\s*(?:import|export)\b[^'"`;]*?\bfrom\s*(['"])(\.[^'"]+)\1/gm)].map((match) => match[2] ?? ''),
  ...[...text.matchAll(/^\s*import\s*(['"])(\.[^'"]+)\1/gm)].map((match) => match[2] ?? ''),
  ...[...text.matchAll(/\bimport\s*\(\s*(['"`])(\.[^'"`]+)\1\s*\)/g)].map((match) => match[2] ?? ''),
];

/** Every relative import of every file under src/, as src-relative paths. */
const importGraph = (): Map<string, string[]> => {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(src)) {
    const targets = importedSpecifiers(readFileSync(file, 'utf8')).map((specifier) => relative(src, resolve(dirname(file), specifier.replace(/\.js$/, '.ts'))));
    graph.set(relative(src, file), targets);
  }
  return graph;
};

const folderOf = (path: string): string => path.split('/')[0] ?? path;

describe('the house as drawn in docs/design.md', () => {
  const layers = readLayers();
  const graph = importGraph();

  test('the walk sees every form of import: named, type-only, re-exports, side-effect and dynamic ones', () => {
    const text = [
      "import { a } from './a.js';",
      "import type {\n  B,\n} from '../b/b.js';",
      "export { c } from \"./c.js\";",
      "export * from './d.js';",
      "import './e.js';",
      "const f = await import('./f.js');",
      "const g = await import(\n  '../g/g.js'\n);",
      "import { h } from 'node:fs';",
      "const i = await import('ssh2');",
      "// import nothing from here: 'prose'",
    ].join('\n');
    expect(importedSpecifiers(text).sort()).toEqual(['../b/b.js', '../g/g.js', './a.js', './c.js', './d.js', './e.js', './f.js']);
  });

  test('every folder under src/ has a layer, and no file sits at the top of src/', () => {
    const folders = new Set([...graph.keys()].map((file) => (file.includes('/') ? folderOf(file) : `(top) ${file}`)));
    expect([...folders].filter((folder) => !layers.has(folder)).sort()).toEqual([]);
  });

  test('every import points down, or stays within its folder', () => {
    const wrong: string[] = [];
    for (const [file, targets] of graph) {
      for (const target of targets) {
        const from = folderOf(file);
        const to = folderOf(target);
        if (from === to) continue;
        const fromLayer = layers.get(from) ?? Number.NaN;
        const toLayer = layers.get(to) ?? Number.NaN;
        if (!(toLayer < fromLayer)) wrong.push(`${file} (layer ${fromLayer}) imports ${target} (layer ${toLayer})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  test('no file imports itself around a circle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, trail: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const target of graph.get(file) ?? []) visit(target, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });
});

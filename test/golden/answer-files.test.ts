import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadAnswerAssets, type AnswerAssets } from '../../src/answer/answer-assets.js';
import { buildRenderContext } from '../../src/answer/build-render-context.js';
import { checkKickstart, formatKickstartProblem } from '../../src/answer/kickstart-check/check-kickstart.js';
import { renderAnswerFile, type RenderedAnswerFile } from '../../src/render/render-answer-file.js';
import { baseInput, goldenCases, kickstartDistros, lvmLayout, plainLayout, raidLvmLayout, withLayout, withStatic } from './answer-fixtures.js';

const goldenDir = join(import.meta.dirname, 'answer-files');
// UPDATE_GOLDEN=1 rewrites the expected files; review the diff before committing it.
const updating = process.env['UPDATE_GOLDEN'] === '1';
const extension = { rhel: 'ks', debian: 'preseed.cfg' } as const;

let assets: AnswerAssets;
beforeAll(async () => {
  assets = await loadAnswerAssets();
});

const render = (name: string): RenderedAnswerFile => {
  const input = goldenCases()[name];
  if (input === undefined) throw new Error(`no case ${name}`);
  const built = buildRenderContext(input, assets.catalog);
  if (!built.ok) throw new Error(`${name}: ${JSON.stringify(built.problems)}`);
  return renderAnswerFile(assets.templates, built.context);
};

describe('answer-file golden files', () => {
  for (const name of Object.keys(goldenCases())) {
    test(name, async () => {
      const rendered = render(name);
      const path = join(goldenDir, `${name}.${extension[rendered.family]}`);
      if (updating) await writeFile(path, rendered.content);
      const expected = await readFile(path, 'utf8').catch(() => {
        throw new Error(`missing golden file ${path}; run with UPDATE_GOLDEN=1 and review it`);
      });
      expect(rendered.content).toBe(expected);
    });
  }

  test('every golden file belongs to a case (no stale files)', async () => {
    const names = new Set(Object.keys(goldenCases()));
    const stale = (await readdir(goldenDir)).filter((file) => !names.has(file.replace(/\.(ks|preseed\.cfg)$/, '')));
    expect(stale).toEqual([]);
  });

  test('the install token reaches the bootstrap through its environment, never on its command line', () => {
    for (const name of Object.keys(goldenCases())) {
      const { content } = render(name);
      expect(content, name).not.toContain('--token');
      expect(content, name).toMatch(/ROOTCAST_TOKEN=tok_0123456789abcdefXYZ sh \/tmp\/rootcast-bootstrap\.sh --server /);
    }
  });

  // No errors and no deprecation warnings either: rootcast writes each release's preferred spelling.
  const checkerProblems = (rendered: RenderedAnswerFile): string[] => {
    const dialect = assets.catalog.get(rendered.distro)?.kickstartDialect;
    if (dialect === undefined) return [`${rendered.distro} has no kickstartDialect`];
    return checkKickstart(rendered.content, dialect).map(formatKickstartProblem);
  };

  test('every generated kickstart passes the checker for its distro', () => {
    for (const name of Object.keys(goldenCases())) {
      const rendered = render(name);
      if (rendered.family === 'rhel') expect(checkerProblems(rendered), name).toEqual([]);
    }
  });

  test('every kickstart distro profile has a golden kickstart', () => {
    const profiles = [...assets.catalog.values()].filter((profile) => profile.family === 'rhel').map((profile) => profile.id);
    const covered = new Set(Object.values(goldenCases()).map((input) => input.install.distro));
    expect(profiles.filter((id) => !covered.has(id))).toEqual([]);
    expect([...profiles].sort()).toEqual([...kickstartDistros].sort());
  });

  test('every template branch passes the checker on every kickstart distro', () => {
    const variants = { 'static-raid-lvm': (d: string) => withLayout(withStatic(baseInput(d)), raidLvmLayout), 'dhcp-plain': (d: string) => withLayout(baseInput(d), plainLayout), 'dhcp-lvm': (d: string) => withLayout(baseInput(d), lvmLayout) };
    for (const distro of kickstartDistros) {
      for (const [variant, build] of Object.entries(variants)) {
        const built = buildRenderContext(build(distro), assets.catalog);
        if (!built.ok) throw new Error(`${distro}-${variant}: ${JSON.stringify(built.problems)}`);
        expect(checkerProblems(renderAnswerFile(assets.templates, built.context)), `${distro}-${variant}`).toEqual([]);
      }
    }
  });
});

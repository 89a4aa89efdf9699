import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadAnswerAssets, type AnswerAssets } from '../../../src/answer/answer-assets.js';
import { buildRenderContext } from '../../../src/answer/build-render-context.js';
import { compileAnswerTemplate } from '../../../src/render/answer-templates.js';
import { findPackageRoot } from '../../../src/package/package-root.js';
import type { HostRenderContext } from '../../../src/render/host-render-context.js';
import { baseInput, withStatic } from '../../golden/answer-fixtures.js';

let assets: AnswerAssets;
let context: HostRenderContext;
beforeAll(async () => {
  assets = await loadAnswerAssets();
  const built = buildRenderContext(withStatic(baseInput('rhel9')), assets.catalog);
  if (!built.ok) throw new Error(JSON.stringify(built.problems));
  context = built.context;
});

describe('template environment', () => {
  test('a typo in a template variable throws instead of rendering an empty string', () => {
    const template = compileAnswerTemplate('network --hostname={{host.fqdnn}}\n', 'typo.hbs');
    expect(() => template(context)).toThrow(/template typo\.hbs: "fqdnn" not defined/);
  });

  test('a typo inside a block that is taken throws too', () => {
    const template = compileAnswerTemplate('{{#if (eq network.kind "static")}}--ip={{network.ipaddr}}{{/if}}', 'block.hbs');
    expect(() => template(context)).toThrow(/"ipaddr" not defined/);
  });

  test('the shipped kickstart template with one variable misspelled fails to render', async () => {
    const source = await readFile(join(findPackageRoot(), 'templates', 'kickstart.ks.hbs'), 'utf8');
    expect(source).toContain('{{install.timezone}}');
    const broken = compileAnswerTemplate(source.replace('{{install.timezone}}', '{{install.timezon}}'), 'kickstart.ks.hbs');
    expect(() => broken(context)).toThrow(/"timezon" not defined/);
    expect(assets.templates.rhel(context)).toContain('timezone Europe/Berlin --utc');
  });

  test('values are not HTML-escaped (= & < stay as they are)', () => {
    const template = compileAnswerTemplate('{{vars.text}}', 'raw.hbs');
    expect(template({ ...context, vars: { text: 'a=b&c<d>"e"' } })).toBe('a=b&c<d>"e"');
  });

  test('shq quotes one shell word; join and devPaths format lists', () => {
    const template = compileAnswerTemplate('{{shq vars.word}}|{{join host.macs ","}}|{{devPaths vars.disks}}', 'helpers.hbs');
    const rendered = template({ ...context, vars: { word: "it's here", disks: ['sda', 'sdb'] } });
    expect(rendered).toBe(`'it'\\''s here'|52:54:00:12:34:56|/dev/sda /dev/sdb`);
  });

  test('rendering is a function of the context alone (same input, same bytes)', () => {
    expect(assets.templates.rhel(context)).toBe(assets.templates.rhel(structuredClone(context)));
  });

  test('a template that does not parse fails when compiled', () => {
    expect(() => compileAnswerTemplate('{{#if x}}unclosed', 'bad.hbs')({ ...context })).toThrow();
  });
});

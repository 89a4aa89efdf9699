import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { describeOp, planIdentity, type IdentityPlan } from '../../src/identity/plan-identity.js';
import { snapshotOf } from '../unit/identity/image-roots.js';
import { fixedRandom, identityCases } from './identity-fixtures.js';

const goldenDir = join(import.meta.dirname, 'identity');
// UPDATE_GOLDEN=1 rewrites the expected files; review the diff before committing it.
const updating = process.env['UPDATE_GOLDEN'] === '1';

/** The whole plan as one reviewable text: the stack, then every op with the content it writes. */
const renderPlan = (plan: IdentityPlan): string =>
  [
    `footprint: ${plan.footprint.kind}${plan.writesFor === undefined ? '' : `, writes for ${JSON.stringify(plan.writesFor)}`}`,
    ...plan.ops.map((op) => `\n== ${describeOp(op)}${op.op === 'write' ? `\n${op.content}` : ''}`),
  ].join('\n');

const planCase = async (name: string): Promise<IdentityPlan> => {
  const found = identityCases[name];
  if (found === undefined) throw new Error(`no case ${name}`);
  return planIdentity({ input: found.input, snapshot: await snapshotOf(found.root), randomBytes: fixedRandom });
};

describe('identity golden files: each stack and mode in the image\'s own style', () => {
  for (const name of Object.keys(identityCases)) {
    test(name, async () => {
      const text = renderPlan(await planCase(name));
      const path = join(goldenDir, `${name}.txt`);
      if (updating) await writeFile(path, text);
      const expected = await readFile(path, 'utf8').catch(() => {
        throw new Error(`missing golden file ${path}; run with UPDATE_GOLDEN=1 and review it`);
      });
      expect(text).toBe(expected);
    });
  }

  test('every golden file belongs to a case (no stale files)', async () => {
    const stale = (await readdir(goldenDir)).filter((file) => !(file.replace(/\.txt$/, '') in identityCases));
    expect(stale).toEqual([]);
  });
});

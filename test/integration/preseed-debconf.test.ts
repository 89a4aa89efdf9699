import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadAnswerAssets, type AnswerAssets } from '../../src/answer/answer-assets.js';
import { buildRenderContext } from '../../src/answer/build-render-context.js';
import { renderAnswerFile } from '../../src/render/render-answer-file.js';
import { execProcess, type ExecResult } from '../../src/sys/exec.js';
import { goldenCases } from '../golden/answer-fixtures.js';

// debconf-set-selections is in the debconf package, present on every Debian machine.
let dir: string;
let assets: AnswerAssets;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rootcast-preseed-'));
  assets = await loadAnswerAssets();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `debconf-set-selections -c` only checks syntax; it exits 0 on an unknown type but warns on stderr. */
const checkPreseed = async (name: string, content: string): Promise<ExecResult> => {
  const file = join(dir, name);
  await writeFile(file, content);
  return execProcess({ command: 'debconf-set-selections', args: ['-c', file], allowedExitCodes: [0, 1] });
};

describe('every generated preseed passes debconf-set-selections -c with empty stderr', () => {
  const preseedCases = Object.entries(goldenCases()).filter(([, input]) => (input.install.distro ?? '').startsWith('debian'));
  test('there are preseed cases to check', () => expect(preseedCases.length).toBeGreaterThanOrEqual(8));
  for (const [name, input] of preseedCases) {
    test(name, async () => {
      const built = buildRenderContext(input, assets.catalog);
      if (!built.ok) throw new Error(JSON.stringify(built.problems));
      const rendered = renderAnswerFile(assets.templates, built.context);
      const result = await checkPreseed(`${name}.cfg`, rendered.content);
      expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({ exitCode: 0, stderr: '' });
      // d-i's cdebconf turns "\n" in a value into a line break: our early_command was cut in two and never ran.
      expect(rendered.content.split('\n').filter((line) => line.startsWith('d-i ') && line.includes('\\'))).toEqual([]);
    });
  }
});

describe('the check itself can fail', () => {
  test('a malformed line makes debconf-set-selections complain', async () => {
    const result = await checkPreseed('broken.cfg', 'd-i netcfg/get_hostname\n');
    expect(result.exitCode !== 0 || result.stderr !== '').toBe(true);
  });
  test('an unknown type only warns (exit 0), which is why stderr must be empty', async () => {
    const result = await checkPreseed('unknown-type.cfg', 'd-i netcfg/get_hostname strnig web07\n');
    expect(result.stderr).not.toBe('');
  });
});

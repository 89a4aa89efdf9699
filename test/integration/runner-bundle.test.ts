import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { builtinModules } from 'node:module';
import { afterEach, describe, expect, test } from 'vitest';

const run = promisify(execFile);
const repo = join(import.meta.dirname, '../..');

describe('the runner bundle', () => {
  let scratch: string | undefined;
  afterEach(async () => {
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  test('node scripts/build-runner.mjs writes dist/runner.cjs, which runs with plain node where there is no node_modules', async () => {
    await run(process.execPath, ['scripts/build-runner.mjs'], { cwd: repo });
    scratch = await mkdtemp(join(tmpdir(), 'rootcast-bundle-'));
    const bundle = join(scratch, 'runner.cjs');
    await copyFile(join(repo, 'dist/runner.cjs'), bundle);
    const { stdout } = await run(process.execPath, [bundle, '--help'], { cwd: scratch, env: { PATH: '/usr/bin:/bin' } });
    expect(stdout).toMatch(/^Usage: node runner\.cjs --target DIR --server URL --host NAME/);
    const usage = await run(process.execPath, [bundle, '--target', 'relative'], { cwd: scratch }).catch((error: { code: number; stderr: string }) => error);
    expect(usage).toMatchObject({ code: 64 });

    // Everything it requires is built into node; nothing of the CLI's heavy dependencies came along.
    const text = await readFile(bundle, 'utf8');
    const required = [...text.matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1] ?? '');
    const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);
    expect(required.filter((name) => !builtins.has(name))).toEqual([]);
    expect(text).not.toMatch(/ssh2|@commander-js/);
  }, 60_000);
});

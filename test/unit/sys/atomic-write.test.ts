import { chmod, chown, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { writeFileAtomic } from '../../../src/sys/atomic-write.js';

const modeAndOwner = async (path: string): Promise<string> => {
  const info = await stat(path);
  return `${(info.mode & 0o7777).toString(8)} ${info.uid}:${info.gid}`;
};

describe('writeFileAtomic modes and owners', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rootcast-atomic-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('a new file gets createMode (0644 without one)', async () => {
    await writeFileAtomic(join(dir, 'private'), 'a\n', { createMode: 0o600 });
    await writeFileAtomic(join(dir, 'plain'), 'a\n');
    expect([await modeAndOwner(join(dir, 'private')), await modeAndOwner(join(dir, 'plain'))]).toEqual(['600 0:0', '644 0:0']);
  });

  test('a replaced file keeps its mode and owner, whatever createMode says; an explicit mode wins', async () => {
    const file = join(dir, 'shared');
    await writeFile(file, 'old\n');
    await chown(file, 1234, 1235);
    await chmod(file, 0o640);
    await writeFileAtomic(file, 'new\n', { createMode: 0o600 });
    expect([await readFile(file, 'utf8'), await modeAndOwner(file)]).toEqual(['new\n', '640 1234:1235']);
    await writeFileAtomic(file, 'newer\n', { mode: 0o600 });
    expect(await modeAndOwner(file)).toBe('600 0:0');
  });
});

import { execFileSync } from 'node:child_process';
import { readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { HomePaths } from '../../src/home/paths.js';
import { loadHostOverrides, type HostOverridesRequest } from '../../src/overrides/host-overrides.js';
import { openOverridesPublisher } from '../../src/server/overrides-publisher.js';
import { execProcess } from '../../src/sys/exec.js';
import { makeOverrideHome, removeOverrideHome, web07Request, type OverrideHome } from '../helpers/override-fixture.js';

describe('serve\'s override tree publisher', () => {
  let home: OverrideHome;
  let paths: HomePaths;
  let request: HostOverridesRequest;

  beforeEach(async () => {
    home = await makeOverrideHome('rootcast-ovl-publish');
    paths = home.paths;
    request = await web07Request(paths, { role: 'a' });
  });
  afterEach(() => removeOverrideHome(home));

  const trees = () => readdir(join(paths.home, 'run/overrides/.trees'));

  test('keeps a tree nothing changed; rebuilds on a content, var or xattr change; keeps one previous tree', async () => {
    const publisher = openOverridesPublisher(paths, execProcess);
    const link = join(paths.home, 'run/overrides/web07');
    expect(await publisher.publish(await loadHostOverrides(request))).toEqual({ path: link, rebuilt: true });
    const first = await readlink(link);
    expect(await publisher.publish(await loadHostOverrides(request))).toEqual({ path: link, rebuilt: false });
    expect(await readlink(link)).toBe(first);

    // An xattr is in no digest, but it moves the file's ctime.
    execFileSync('setfattr', ['-n', 'user.extra', '-v', 'yes', join(paths.overridesDir, 'all/etc/motd')]);
    expect((await publisher.publish(await loadHostOverrides(request))).rebuilt).toBe(true);
    expect(execFileSync('getfattr', ['-d', '--absolute-names', join(link, 'etc/motd')], { encoding: 'utf8' })).toContain('user.extra="yes"');

    request = { ...request, context: { ...request.context, vars: { role: 'b' } } };
    expect((await publisher.publish(await loadHostOverrides(request))).rebuilt).toBe(true);
    expect(await readFile(join(link, 'etc/hostname'), 'utf8')).toBe('web07 b\n');
    await writeFile(join(paths.overridesDir, 'all/etc/motd'), 'new\n');
    expect((await publisher.publish(await loadHostOverrides(request))).rebuilt).toBe(true);
    expect(await readFile(join(link, 'etc/motd'), 'utf8')).toBe('new\n');
    // Four builds: the current one and the one before remain.
    expect(await trees()).toHaveLength(2);
    expect(await trees()).toContain((await readlink(link)).split('/').at(-1));
    // A publisher that never published (serve restarted) writes the tree again once.
    expect((await openOverridesPublisher(paths, execProcess).publish(await loadHostOverrides(request))).rebuilt).toBe(true);
  });
});

import { execFileSync } from 'node:child_process';
import { lstat, mkdir, readFile, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { HomePaths } from '../../src/home/paths.js';
import { snapshotTree } from '../helpers/tree-snapshot.js';
import { makeOverrideHome, overrideInventory, removeOverrideHome, type OverrideHome } from '../helpers/override-fixture.js';
import { runBinary } from '../helpers/cli.js';

describe('rootcast render and explain (the built binary)', () => {
  let home: OverrideHome;
  let paths: HomePaths;
  let work: string;
  const rootcast = (...args: string[]) => runBinary(['--home', paths.home, ...args]);

  beforeEach(async () => {
    home = await makeOverrideHome('rootcast-render');
    ({ paths, work } = home);
    await writeFile(paths.inventoryFile, overrideInventory, { mode: 0o600 });
  });
  afterEach(() => removeOverrideHome(home));

  test('render lists the tree with each path\'s layer, deletions and digests; --json has the same', async () => {
    const run = await rootcast('render', 'web07');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^PATH\s+TYPE\s+MODE\s+OWNER\s+SIZE\s+LAYER$/);
    expect(lines).toContainEqual(expect.stringMatching(/^\/etc\/hostname\s+file\s+0640\s+7:0\s+27\s+host\/web07 \(template \/etc\/hostname\.hbs\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\/etc\/app\/\s+dir\s+0750\s+33:33\s+\d+\s+group\/web \(metadata from the image\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\/etc\/abs-link -> \/etc\/passwd\s+symlink\s/));
    expect(lines).toContain('deleted: /etc/cron.d/old (by group/web:/etc/cron.d/.wh.old)');
    expect(lines).toContain("opaque: /etc/app/ (by group/web:/etc/app/.wh..wh..opq; removes all:/etc/app/a.conf): the image's and lower layers' content is hidden");
    // The identity layer is lowest: the host's hostname template wins over the generated /etc/hostname, with a warning.
    expect(lines).toContainEqual(expect.stringMatching(/^\/etc\/hosts\s+file\s+0644\s+0:0\s+\d+\s+identity\/web07$/));
    expect(lines).toContain("warning: /etc/hostname: host/web07 replaces the file rootcast generates for the host's identity (remove it from the layer to get the generated one)");
    expect(run.stdout).toMatch(/web07 \(web@1\): 14 path\(s\) from identity\/web07, all, group\/web, host\/web07; tree sha256:[0-9a-f]{64}/);
    const json = JSON.parse((await rootcast('--json', 'render', 'web07')).stdout) as { image: string; layers: { layer: string }[]; entries: { path: string; layer: string }[] };
    expect(json.image).toBe('web@1');
    expect(json.layers.map((layer) => layer.layer)).toEqual(['identity/web07', 'all', 'group/web', 'host/web07']);
    expect(json.entries.find((entry) => entry.path === '/etc/motd')?.layer).toBe('all');
    expect((json as unknown as { removals: unknown[] }).removals).toContainEqual({ kind: 'opaque', path: '/etc/app', by: 'group/web:/etc/app/.wh..wh..opq', removes: ['all:/etc/app/a.conf'] });
  });

  test('render --out writes the tree with owners, modes, ACLs and xattrs; --dry-run writes nothing', async () => {
    const out = join(work, 'tree');
    const dry = await rootcast('render', 'web07', '--out', out, '--dry-run');
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain(`dry-run: would write 14 path(s) of web07's tree (web@1) into ${out}`);
    await expect(lstat(out)).rejects.toThrow(/ENOENT/);
    const run = await rootcast('render', 'web07', '--out', out);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`wrote 14 path(s) of web07's tree (web@1) into ${out}\n`);
    expect(await readFile(join(out, 'etc/hostname'), 'utf8')).toBe('web07.lab.example frontend\n');
    const motd = await lstat(join(out, 'etc/motd'));
    expect([motd.uid, motd.gid]).toEqual([123, 456]);
    expect(execFileSync('getfattr', ['-d', '--absolute-names', join(out, 'etc/motd')], { encoding: 'utf8' })).toContain('user.layer="all"');
    expect(execFileSync('getfacl', ['-cp', join(out, 'etc/hostname')], { encoding: 'utf8' })).toContain('group:23456:r--');
    expect(await readlink(join(out, 'etc/abs-link'))).toBe('/etc/passwd');
    expect((await readdir(out)).sort()).toEqual(['etc', 'srv']);
    // The leftovers of writing (the temporary tree, the template staging) are gone.
    expect((await readdir(work)).sort()).toEqual(['golden', 'tree']);
  });

  test('render --out refuses a directory with something in it and changes nothing', async () => {
    const out = join(work, 'busy');
    await mkdir(out);
    await writeFile(join(out, 'keep'), 'mine\n');
    const before = snapshotTree(out);
    const run = await rootcast('render', 'web07', '--out', out);
    expect(run.status).toBe(65);
    expect(run.stderr).toContain(`--out ${out} exists and is not an empty directory`);
    expect(snapshotTree(out)).toEqual(before);
  });

  test('a template with an unknown variable fails every command before anything is written, naming file, line and variable', async () => {
    await writeFile(join(paths.overridesDir, 'host/web07/etc/issue.hbs'), 'Welcome\n{{host.nmae}}\n');
    const out = join(work, 'never');
    const run = await rootcast('render', 'web07', '--out', out);
    expect(run.status).toBe(65);
    expect(run.stderr).toContain('error [INVALID_DATA]: the override layers of web07 have 1 problem');
    expect(run.stderr).toContain(`${paths.overridesDir}/host/web07/etc/issue.hbs:2: unknown variable host.nmae`);
    await expect(lstat(out)).rejects.toThrow(/ENOENT/);
    expect((await readdir(work)).sort()).toEqual(['golden']);
  });

  test('templates see the image\'s vars under the groups\' and the host\'s; inventory check takes them and refuses a control character in one', async () => {
    const withImageVars = overrideInventory.replace('  web: {identity: {network: keep}}', '  web: {identity: {network: keep}, vars: {motd: "image motd", role: image}}');
    expect(withImageVars).not.toBe(overrideInventory);
    await writeFile(paths.inventoryFile, withImageVars, { mode: 0o600 });
    await writeFile(join(paths.overridesDir, 'all/etc/issue.hbs'), '{{vars.motd}} / {{vars.role}}\n');
    const check = await rootcast('inventory', 'check');
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    const show = await rootcast('host', 'show', 'web08');
    expect(show.stdout).toMatch(/motd=image motd \(from image web\)/);
    // web07's group web sets role over the image's; web08 has no groups, so the image's stays.
    for (const [host, expected] of [['web07', 'image motd / frontend\n'], ['web08', 'image motd / image\n']] as const) {
      const out = join(work, `tree-${host}`);
      const run = await rootcast('render', host, '--out', out);
      expect(run.status, run.stderr).toBe(0);
      expect(await readFile(join(out, 'etc/issue'), 'utf8')).toBe(expected);
    }

    await writeFile(paths.inventoryFile, withImageVars.replace('"image motd"', '"image\\tmotd"'), { mode: 0o600 });
    const bad = await rootcast('inventory', 'check');
    expect(bad.status).toBe(65);
    expect(bad.stderr).toMatch(/images\.web\.vars\.motd \(line 5\): contains a control character \(tab, U\+0009\)/);
    const refused = await rootcast('render', 'web08', '--out', join(work, 'never'));
    expect(refused.status).toBe(65);
    await expect(lstat(join(work, 'never'))).rejects.toThrow(/ENOENT/);
  });

  test('structural problems and the templates\' problems are reported together, before anything is written', async () => {
    await mkdir(join(paths.overridesDir, 'group/wbe'), { recursive: true });
    await writeFile(join(paths.overridesDir, 'all/etc/.wh.'), '');
    await writeFile(join(paths.overridesDir, 'host/web07/etc/issue.hbs'), 'Welcome\n{{host.nmae}}\n');
    const out = join(work, 'never');
    const run = await rootcast('render', 'web07', '--out', out);
    expect(run.status).toBe(65);
    expect(run.stderr).toContain('error [INVALID_DATA]: the override layers of web07 have 3 problems');
    expect(run.stderr).toContain(`${paths.overridesDir}/group/wbe: no group "wbe" in the inventory`);
    expect(run.stderr).toContain(`${paths.overridesDir}/all/etc/.wh.: a whiteout must name what it deletes`);
    expect(run.stderr).toContain(`${paths.overridesDir}/host/web07/etc/issue.hbs:2: unknown variable host.nmae`);
    await expect(lstat(out)).rejects.toThrow(/ENOENT/);
    // explain renders nothing: it reports the structural problems alone.
    const explain = await rootcast('explain', 'web07', '/etc/motd');
    expect(explain.status).toBe(65);
    expect(explain.stderr).toContain('the override layers of web07 have 2 problems');
  });

  test('a layer for an unknown group or host and a whiteout of / are refused (65), an unknown host is 66', async () => {
    await mkdir(join(paths.overridesDir, 'group/wbe'), { recursive: true });
    await writeFile(join(paths.overridesDir, 'all/.wh..'), '');
    const run = await rootcast('render', 'web08');
    expect(run.status).toBe(65);
    expect(run.stderr).toContain(`${paths.overridesDir}/group/wbe: no group "wbe" in the inventory`);
    expect(run.stderr).toContain(`${paths.overridesDir}/all/.wh..: a whiteout of / would delete the whole image`);
    const missing = await rootcast('render', 'web99');
    expect(missing.status).toBe(66);
    expect(missing.stderr).toContain(`host "web99" is not in the inventory ${paths.inventoryFile}`);
  });

  test('a leftover layer of a removed host does not stop another host\'s render; inventory check still reports it', async () => {
    await mkdir(join(paths.overridesDir, 'host/web99/etc'), { recursive: true });
    await writeFile(join(paths.overridesDir, 'host/web99/etc/motd'), 'gone\n');
    const render = await rootcast('render', 'web08');
    expect(render.status, render.stderr).toBe(0);
    const check = await rootcast('inventory', 'check');
    expect(check.status).toBe(65);
    expect(check.stderr).toContain(`${paths.overridesDir}/host/web99: no host "web99" in the inventory`);
    await rm(join(paths.overridesDir, 'host/web99'), { recursive: true });
  });

  test('inventory check reports layer directories of unknown hosts and groups (65), and passes once they are gone', async () => {
    await mkdir(join(paths.overridesDir, 'host/web99'), { recursive: true });
    await mkdir(join(paths.overridesDir, 'group/wbe'), { recursive: true });
    const run = await rootcast('inventory', 'check');
    expect(run.status).toBe(65);
    expect(run.stderr).toContain(`${paths.overridesDir}/group/wbe: no group "wbe" in the inventory: rename the layer to an existing group, or add the group`);
    expect(run.stderr).toContain(`${paths.overridesDir}/host/web99: no host "web99" in the inventory: rename the layer to an existing host, or remove it`);
    await rm(join(paths.overridesDir, 'host/web99'), { recursive: true });
    await rm(join(paths.overridesDir, 'group/wbe'), { recursive: true });
    const clean = await rootcast('inventory', 'check');
    expect(clean.stderr).toBe('');
    expect(clean.status).toBe(0);
  });

  test('explain names the providing layer and what it shadows, a whiteout, an opaque directory, or the image', async () => {
    const motd = await rootcast('explain', 'web07', '/etc/motd');
    expect(motd.status).toBe(0);
    expect(motd.stdout).toBe('/etc/motd: file from all:/etc/motd\n  image: web@1 has a file there (replaced)\n');
    const hostname = await rootcast('explain', 'web07', 'etc/hostname');
    expect(hostname.stdout).toContain('/etc/hostname: file, rendered from the template from host/web07:/etc/hostname.hbs');
    expect(hostname.stdout).toContain('identity/web07:/etc/hostname');
    expect((await rootcast('explain', 'web07', '/etc/hosts')).stdout).toBe('/etc/hosts: file from identity/web07:/etc/hosts\n  image: web@1 has nothing there\n');
    expect((await rootcast('explain', 'web07', '/etc/cron.d/old')).stdout).toBe(
      '/etc/cron.d/old: deleted by the whiteout group/web:/etc/cron.d/.wh.old\n  image: web@1 has a file there (deleted on the host)\n',
    );
    expect((await rootcast('explain', 'web07', '/etc/app/a.conf')).stdout).toContain(
      '/etc/app/a.conf: not in the tree: all:/etc/app/a.conf is hidden by the opaque directory /etc/app (group/web:/etc/app/.wh..wh..opq)',
    );
    expect((await rootcast('explain', 'web07', '/etc/passwd')).stdout).toBe('/etc/passwd: no layer has it: left to the image (web@1 has a file there)\n');
    const json = JSON.parse((await rootcast('--json', 'explain', 'web07', '/etc/motd')).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ host: 'web07', imageRef: 'web@1', kind: 'provided', by: { layer: 'all', source: '/etc/motd' }, image: { kind: 'present', type: 'file' } });
  });

  test('explain refuses "..", an unknown host and broken layers', async () => {
    const dots = await rootcast('explain', 'web07', '/etc/../shadow');
    expect(dots.status).toBe(64);
    expect(dots.stderr).toContain('path "/etc/../shadow" contains "." or ".." components');
    expect((await rootcast('explain', 'nohost', '/etc/motd')).status).toBe(66);
    await mkdir(join(paths.overridesDir, 'group/ghost'), { recursive: true });
    const ghost = await rootcast('explain', 'web07', '/etc/motd');
    expect(ghost.status).toBe(65);
    expect(ghost.stderr).toContain(`${paths.overridesDir}/group/ghost: no group "ghost" in the inventory`);
    await rm(join(paths.overridesDir, 'group/ghost'), { recursive: true });
  });

  test('render --diff shows each changed path with both sides\' layers and unified diffs of changed text (not of private files)', async () => {
    await mkdir(join(paths.overridesDir, 'host/web08/etc'), { recursive: true });
    await writeFile(join(paths.overridesDir, 'host/web08/etc/hostname.hbs'), '{{host.fqdn}} plain\n', { mode: 0o640 });
    const run = await rootcast('render', 'web07', '--diff', 'web08');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      [
        'A /etc/app/a.conf  [- → all]',
        'D /etc/app/new.conf  [group/web → -]',
        'D /etc/conf.d  [host/web07 → -]',
        'D /etc/cron.d/  [group/web → -]',
        'M /etc/hostname uid 7→0 size 27→12  [host/web07 → host/web08]',
        'M /etc/hosts size 95→77  [identity/web07 → identity/web08]',
        'web07 → web08: 1 added, 3 removed, 2 changed',
        // Both hostnames are 0640 (the layers' modes): private content is named, never shown (image diff's rule).
        '--- /etc/hostname: not shown: readable by its owner/group only (mode 0640)',
        '===================================================================',
        '--- a/etc/hosts',
        '+++ b/etc/hosts',
        '@@ -1,3 +1,3 @@',
        ' 127.0.0.1\tlocalhost',
        '-127.0.1.1\tweb07.lab.example web07',
        '+127.0.1.1\tweb08',
        ' ::1\tlocalhost ip6-localhost ip6-loopback',
        '',
      ].join('\n'),
    );
    const json = JSON.parse((await rootcast('--json', 'render', 'web07', '--diff', 'web08')).stdout) as { changes: { path: string; fromLayer?: string; toLayer?: string }[] };
    expect(json.changes.find((change) => change.path === '/etc/hostname')).toMatchObject({ change: 'changed', fromLayer: 'host/web07', toLayer: 'host/web08' });
  });

  test('render --diff against an unknown host is 66; --diff with --out is a usage error', async () => {
    expect((await rootcast('render', 'web07', '--diff', 'web99')).status).toBe(66);
    const both = await rootcast('render', 'web07', '--diff', 'web08', '--out', join(work, 'x'));
    expect(both.status).toBe(64);
    expect(both.stderr).toContain('render takes --out DIR or --diff HOST2, not both');
  });
});

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { HostTree } from '../../../src/overrides/host-tree.js';
import { planSyncFilters } from '../../../src/overrides/sync-filters.js';
import { dataTrees, type UpdateInstructions } from '../../../src/protocol/update-protocol.js';
import { planUpdate, type PlannedPass } from '../../../src/update/plan-update.js';
import { planDataProtection } from '../../../src/update/update-excludes.js';
import { listRemovedPaths } from '../../../src/image/removed-paths.js';
import { hostUpdateFacts } from './update-fixtures.js';
import { parseUpdateOptions } from '../../../src/update/update-options.js';
import { deployInstructions } from '../runner/deploy-fixtures.js';
import { putFile as put } from '../../helpers/put-file.js';

const imageUrl = 'rsync://host.web07@images.example:8873/img.web.2/';
const overridesUrl = 'rsync://host.web07@images.example:8873/ovl.web07/';

describe('the data trees an update protects, as the real rsync applies the planned passes', () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'rootcast-data-protection-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  /** The planned pass's own arguments, run locally: its module URL replaced by a directory (and --contimeout, a daemon-only option, left out). */
  const runLocally = (pass: PlannedPass, sourceDir: string): void => {
    const args = pass.command.args.filter((arg) => !arg.startsWith('--contimeout=')).map((arg) => (arg === pass.source ? `${sourceDir}/` : arg));
    expect(args).toContain(`${sourceDir}/`);
    execFileSync('rsync', args);
  };

  test('host data in data trees stays through both passes; package databases follow the image; whiteouts and strays go', () => {
    const image = join(work, 'image');
    const layers = join(work, 'layers');
    const host = join(work, 'host');
    // The host as web@1 left it, plus what the host made itself.
    put(host, 'etc/app.conf', 'web@1 app\n');
    put(host, 'etc/stale.conf', 'web@1 had it, web@2 does not, not in a data tree\n');
    put(host, 'opt/app/bin', 'app of web@1\n');
    put(host, 'var/lib/dpkg/status', 'web@1 packages\n');
    put(host, 'var/lib/dpkg/info/removed.list', 'a package web@2 removed\n');
    put(host, 'var/lib/myapp/data.db', 'the service\'s data\n');
    put(host, 'srv/site/retired.html', 'a layer whites this out\n');
    // What web@1 put in /opt that web@2 dropped, and a directory web@2 turned into a link (serve names both).
    put(host, 'opt/app/lib/old-1.0.jar', 'web@1\'s library\n');
    put(host, 'opt/app/current/run', 'web@1\'s release\n');
    const hostData = ['srv/uploads/photo.jpg', 'opt/local-tool/run', 'var/opt/vendor/state', 'var/www/html/index.html', 'var/lib/localsvc/db', 'var/backups/passwd.bak', 'usr/local/bin/site-script'];
    for (const path of hostData) put(host, path, `the host's own ${path}\n`);
    // web@2, and a layer that writes a file below /var/lib (so the overrides pass goes into /var/lib) and whites out a file in /srv.
    put(image, 'etc/app.conf', 'web@2 application\n');
    put(image, 'opt/app/bin', 'app of web@2, longer\n');
    put(image, 'var/lib/dpkg/status', 'web@2 packages, longer\n');
    mkdirSync(join(image, 'var/lib/myapp'), { recursive: true });
    put(image, 'opt/app/lib/new-2.0.jar', 'web@2\'s library\n');
    put(image, 'opt/app/releases/2/run', 'web@2\'s release\n');
    symlinkSync('releases/2', join(image, 'opt/app/current'));
    put(image, 'srv/site/retired.html', 'still in the image\n');
    put(layers, 'var/lib/myapp/config', 'from the host layer\n');
    const tree = {
      nodes: [
        { path: '/var', owned: false },
        { path: '/var/lib', owned: false },
        { path: '/var/lib/myapp', owned: false },
        { path: '/var/lib/myapp/config', owned: true },
      ],
      merged: { deletedFromImage: ['/srv/site/retired.html'] },
    } as unknown as HostTree;
    const filters = planSyncFilters(tree, ['/etc/fstab', '/boot/efi/']);
    const instructions: UpdateInstructions = {
      ...deployInstructions({
        version: 2,
        ref: 'web@2',
        rsync: { url: imageUrl, user: 'host.web07' },
        overrides: { url: overridesUrl, imageFilters: filters.image, overridesFilters: filters.overrides, layers: [], treeDigest: `sha256:${'0'.repeat(64)}` },
      }),
      assigned: 'web@2',
      imageRemovals: ['/opt/app/lib/old-1.0.jar', '/opt/app/current'],
      owners: [
        { path: '/var/lib/myapp/config', layer: 'host/web07', kind: 'provides' },
        { path: '/srv/site/retired.html', layer: 'group/web', kind: 'removes' },
      ],
    };
    const facts = hostUpdateFacts({ root: host, client: { server: 'http://images.example:8080', host: 'web07', rsyncUser: 'host.web07' }, credential: `h1-${'a'.repeat(43)}` });
    const plan = planUpdate(instructions, facts, parseUpdateOptions({ targetRoot: host }));
    expect(plan.passes.map((pass) => pass.name)).toEqual(['image', 'overrides']);
    const [imagePass, overridesPass] = plan.passes as [PlannedPass, PlannedPass];
    // A stopped server is noticed by silence: both passes print progress and carry the install's stall watchdog.
    for (const pass of plan.passes) expect([pass.name, pass.command.stallSeconds, pass.command.args.includes('--info=progress2')]).toEqual([pass.name, 90, true]);

    runLocally(imagePass, image);
    runLocally(overridesPass, layers);

    for (const path of hostData) expect(readFileSync(join(host, path), 'utf8'), path).toBe(`the host's own ${path}\n`);
    expect(readFileSync(join(host, 'var/lib/myapp/data.db'), 'utf8')).toBe('the service\'s data\n');
    expect(readFileSync(join(host, 'var/lib/myapp/config'), 'utf8')).toBe('from the host layer\n');
    expect(readFileSync(join(host, 'opt/app/bin'), 'utf8')).toBe('app of web@2, longer\n');
    // The overrides pass goes into /var/lib for the layer's file: the package database must survive it.
    expect(readFileSync(join(host, 'var/lib/dpkg/status'), 'utf8')).toBe('web@2 packages, longer\n');
    expect(readFileSync(join(host, 'etc/app.conf'), 'utf8')).toBe('web@2 application\n');
    for (const gone of ['var/lib/dpkg/info/removed.list', 'srv/site/retired.html', 'etc/stale.conf', 'opt/app/lib/old-1.0.jar']) expect(existsSync(join(host, gone)), gone).toBe(false);
    expect(readlinkSync(join(host, 'opt/app/current'))).toBe('releases/2');
    expect(readFileSync(join(host, 'opt/app/current/run'), 'utf8')).toBe('web@2\'s release\n');
  });

  test('the rules: removals in data trees and (image pass only) package databases may delete, then every data tree is protected', () => {
    const image = planDataProtection(['/etc/gone', '/srv/old'], 'image');
    expect(image.slice(0, 2)).toEqual(['R /srv/old', 'R /srv/old/**']);
    expect(image).toContain('R /var/lib/dpkg/**');
    expect(image.slice(-dataTrees.length)).toEqual(dataTrees.map((tree) => `P ${tree}/**`));
    // Outside the data trees nothing is protected, so a removal there needs no rule.
    expect(image.some((rule) => rule.includes('/etc/gone'))).toBe(false);
    expect(planDataProtection([], 'overrides').filter((rule) => rule.startsWith('R '))).toEqual([]);
  });

  test('serve names what the host\'s version had under the data trees and the target lacks, topmost only', async () => {
    const from = join(work, 'from');
    const to = join(work, 'to');
    for (const root of [from, to]) {
      put(root, 'opt/app/bin', 'both\n');
      put(root, 'var/lib/dpkg/status', 'skipped tree\n');
    }
    put(from, 'opt/app/lib/old.jar', 'only in from\n');
    put(from, 'opt/retired/a/b/c', 'a whole tree only in from\n');
    put(from, 'opt/app/current/run', 'a directory in from\n');
    put(from, 'var/lib/dpkg/info/x.list', 'package state: not compared\n');
    put(from, 'srv/www/index.html', 'only in from\n');
    put(to, 'opt/app/releases/2/run', 'only in to\n');
    symlinkSync('releases/2', join(to, 'opt/app/current'));
    expect(await listRemovedPaths(from, to, dataTrees, ['/var/lib/dpkg'])).toEqual(['/opt/app/current', '/opt/app/lib', '/opt/retired', '/srv/www']);
    // A data tree that is a link in the version (absolute, so it would name this server's own files) is not read.
    const elsewhere = join(work, 'server-files');
    put(elsewhere, 'not-the-image', 'the server\'s\n');
    symlinkSync(elsewhere, join(from, 'var/www'));
    expect(await listRemovedPaths(from, to, ['/var/www'], [])).toEqual([]);
  });
});

import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, lutimesSync, symlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HomePaths } from '../../src/home/paths.js';
import { resolveImageRef } from '../../src/image/versions.js';
import type { HostOverridesRequest } from '../../src/overrides/host-overrides.js';
import { addVersion, makeTempHome, removeHome } from './image-builder.js';
import { putFile } from './put-file.js';

const run = (command: string, ...args: string[]): void => void execFileSync(command, args);

const put = (root: string, path: string, content: string, mode = 0o644, owner: [number, number] = [0, 0]): void => {
  putFile(root, path, content);
  chownSync(join(root, path), ...owner);
  chmodSync(join(root, path), mode);
};

/** A fixed time for layer files (the digests ignore times; the trees compared in tests do not). */
const layerTime = new Date('2020-05-06T07:08:09Z');

/**
 * The golden root of image `web`: /etc with an xattr of its own, /etc/app (0750, uid 33) with content,
 * /etc/cron.d, /etc/conf.d (a directory the layers replace by a file), /etc/gone, a symlink /lib.
 */
export const buildImageSource = (root: string): void => {
  put(root, 'etc/motd', 'golden motd\n');
  put(root, 'etc/passwd', 'root:x:0:0::/root:/bin/sh\n');
  put(root, 'etc/app/a.conf', 'image a\n');
  put(root, 'etc/app/sub/x', 'image x\n');
  chownSync(join(root, 'etc/app'), 33, 33);
  chmodSync(join(root, 'etc/app'), 0o750);
  put(root, 'etc/cron.d/old', 'image cron\n');
  put(root, 'etc/cron.d/keep', 'image keep\n');
  put(root, 'etc/conf.d/one', 'image one\n');
  put(root, 'etc/gone', 'image gone\n');
  put(root, 'usr/lib/libx.so', 'lib\n');
  symlinkSync('usr/lib', join(root, 'lib'));
  run('setfattr', '-n', 'user.from', '-v', 'image', join(root, 'etc'));
  // An old time: rsync compares mtimes to the second, so a tree made in the second it is copied keeps the copy's times.
  execFileSync('find', [root, '-exec', 'touch', '-h', '-d', '2018-03-04T05:06:07Z', '{}', '+']);
};

/**
 * Layers under `overridesDir` for host web07 (groups web) exercising every rule: plain files with
 * owner, mode, ACL and xattr; a template; an opaque directory; whiteouts; a file replacing an image
 * directory; a directory the image lacks; absolute and relative symlinks.
 */
export const buildLayers = (overridesDir: string): void => {
  const all = join(overridesDir, 'all');
  put(all, 'etc/motd', 'motd from all\n', 0o600, [123, 456]);
  run('setfacl', '-m', 'u:12345:rw', join(all, 'etc/motd'));
  run('setfattr', '-n', 'user.layer', '-v', 'all', join(all, 'etc/motd'));
  put(all, 'etc/app/a.conf', 'all a\n');
  put(all, 'srv/site/index.html', '<h1>{{not a template}}</h1>\n');
  put(all, 'srv/site/old.html', 'old\n');
  symlinkSync('/etc/passwd', join(all, 'etc/abs-link'));
  symlinkSync('motd', join(all, 'etc/rel-link'));

  const web = join(overridesDir, 'group', 'web');
  put(web, 'etc/app/.wh..wh..opq', '');
  put(web, 'etc/app/new.conf', 'web new\n');
  put(web, 'etc/cron.d/.wh.old', '');
  put(web, 'etc/.wh.gone', '');

  const host = join(overridesDir, 'host', 'web07');
  put(host, 'etc/hostname.hbs', '{{host.fqdn}} {{vars.role}}\n', 0o640, [7, 0]);
  run('setfattr', '-n', 'user.kind', '-v', 'template', join(host, 'etc/hostname.hbs'));
  run('setfacl', '-m', 'g:23456:r', join(host, 'etc/hostname.hbs'));
  put(host, 'etc/conf.d', 'conf.d is a file now\n');
  stampLayers(overridesDir);
};

/** Gives every layer object one fixed mtime, so two builds of the same layers are identical. */
export const stampLayers = (overridesDir: string): void => {
  execFileSync('find', [overridesDir, '-exec', 'touch', '-h', '-d', layerTime.toISOString(), '{}', '+']);
  lutimesSync(overridesDir, layerTime, layerTime);
};

/** What a freshly installed minimal system has before the runner syncs the image. */
export const buildInstalledTarget = (root: string): void => {
  put(root, 'etc/fstab', 'UUID=1234 / ext4 defaults 0 1\n');
  put(root, 'etc/installer.conf', 'left by the installer\n');
  put(root, 'etc/conf.d/from-installer', 'installer\n');
  put(root, 'etc/app/installer', 'installer\n');
  put(root, 'srv/installer-left', 'installer\n');
  execFileSync('find', [root, '-exec', 'touch', '-h', '-d', '2019-01-01T00:00:00Z', '{}', '+']);
};

/**
 * An inventory with web07 (group web, static on network lab) and web08 (no groups), both on image web.
 * The image has no network stack, so both keep its (absent) network configuration: their identity
 * layers hold /etc/hostname and /etc/hosts only.
 */
export const overrideInventory = [
  'server: {url: "http://10.0.0.1:8780"}',
  'networks:',
  '  lab: {subnet: 10.0.0.0/24, gateway: 10.0.0.1, domain: lab.example}',
  'images:',
  '  web: {identity: {network: keep}}',
  'groups:',
  '  web: {image: web, network: lab, vars: {role: frontend}}',
  'hosts:',
  '  web07: {mac: "52:54:00:12:34:56", ip: 10.0.0.17, groups: [web]}',
  '  web08: {mac: "52:54:00:12:34:57", image: web}',
  '',
].join('\n');

/** What host web07 (group web) of image `web` resolves its layers from, with these vars. */
export const web07Request = async (paths: HomePaths, vars: Record<string, unknown>, fqdn = 'web07'): Promise<HostOverridesRequest> => {
  const version = await resolveImageRef(paths, 'web');
  return {
    overridesDir: paths.overridesDir,
    subject: { name: 'web07', imageName: 'web', groups: ['web'] },
    context: { host: { name: 'web07', fqdn, macs: [] }, image: { name: 'web', ref: version.ref }, groups: ['web'], vars, server: {} },
    imageRoot: version.root,
    known: { hosts: ['web07'], groups: ['web'] },
  };
};

export interface OverrideHome {
  paths: HomePaths;
  /** Scratch space beside the home (the golden root lives in `golden/`). */
  work: string;
}

/** A home with image web@1 (buildImageSource) and the layers of buildLayers. */
export const makeOverrideHome = async (prefix: string): Promise<OverrideHome> => {
  const paths = await makeTempHome(`${prefix}-`);
  const work = await mkdtemp(join(tmpdir(), `${prefix}-work-`));
  buildImageSource(join(work, 'golden'));
  await addVersion(paths, 'web', join(work, 'golden'));
  buildLayers(paths.overridesDir);
  return { paths, work };
};

export const removeOverrideHome = async (home: OverrideHome): Promise<void> => {
  await removeHome(home.paths);
  await rm(home.work, { recursive: true, force: true });
};

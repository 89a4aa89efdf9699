import { once } from 'node:events';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChildProcess } from 'node:child_process';
import { resolveHomePaths, type HomePaths } from '../../src/home/paths.js';
import type { CommandOutcome, TestNetwork } from './netns.js';
import { rootcastBinary } from './cli.js';
import { addVersion } from './image-builder.js';

/** A home under `work` whose store has the `web` image (the PXE inventories' image), from a one-file golden root. */
export const makeHomeWithImage = async (work: string): Promise<HomePaths> => {
  const paths = resolveHomePaths({ home: join(work, 'home') });
  await mkdir(join(work, 'golden', 'etc'), { recursive: true });
  await writeFile(join(work, 'golden', 'etc', 'motd'), 'golden\n');
  await addVersion(paths, 'web', join(work, 'golden'));
  return paths;
};

/** tftp-hpa in binary mode, inside `namespace`: fetches `file` from `server` into `out`. */
export const tftpGet = (net: TestNetwork, namespace: string, server: string, file: string, out: string): Promise<CommandOutcome> =>
  net.run(namespace, 'tftp', ['-m', 'binary', server, '-c', 'get', file, out]);

/** One host of a PXE test inventory. */
export interface PxeTestHost {
  name: string;
  mac: string;
  ip?: string;
  /** @default the inventory's debian12 */
  distro?: string;
}

export interface PxeTestInventory {
  serverIp: string;
  /** `10.213.X` */
  prefix: string;
  hosts: readonly PxeTestHost[];
  kernel: string;
  initrd: string;
  /** Extra lines under `pxe:` (two-space indented), e.g. `  mode: proxy`. */
  pxe?: readonly string[];
  kernelArgs?: string;
  /** More installers, one `    NAME: {kernel: ..., initrd: ...}` line each. */
  installers?: readonly string[];
}

/** An inventory with one network (the test subnet), the `web` image and a debian12 installer. */
export const pxeInventoryText = (spec: PxeTestInventory): string =>
  [
    `server: {url: "http://${spec.serverIp}:8780"}`,
    'install: {distro: debian12, timezone: Etc/UTC, keyboard: us, lang: en_US.UTF-8}',
    'networks:',
    `  lab: {subnet: ${spec.prefix}.0/24, gateway: ${spec.prefix}.1, dns: [${spec.prefix}.1], domain: lab.test}`,
    'images:',
    '  web: {}',
    'pxe:',
    '  interface: eth0',
    ...(spec.pxe ?? [`  pool: ${spec.prefix}.100-${spec.prefix}.150`]),
    '  installers:',
    `    debian12: {kernel: ${spec.kernel}, initrd: ${spec.initrd}${spec.kernelArgs === undefined ? '' : `, args: "${spec.kernelArgs}"`}}`,
    ...(spec.installers ?? []),
    'hosts:',
    ...spec.hosts.map((host) => `  ${host.name}: {mac: "${host.mac}"${host.ip === undefined ? '' : `, ip: ${host.ip}`}, image: web, network: lab${host.distro === undefined ? '' : `, install: {distro: ${host.distro}}`}}`),
    '',
  ].join('\n');

/** `rootcast serve --pxe` (the built binary) running in a namespace. */
export interface ServeInNamespace {
  output(): string;
  /** Sends serve a signal (`ip netns exec` execs, so the child is serve itself). */
  signal(name: NodeJS.Signals): void;
  /** Waits for `pattern` in the output after its first `from` characters (what a signal printed: pass the length before it). */
  waitFor(pattern: RegExp, what: string, timeoutMs?: number, from?: number): Promise<RegExpExecArray>;
  stop(): Promise<void>;
}

export const spawnServePxe = async (net: TestNetwork, namespace: string, home: string, serverIp: string, extra: readonly string[] = []): Promise<ServeInNamespace> => {
  const child: ChildProcess = net.spawn(namespace, process.execPath, [rootcastBinary, '--home', home, 'serve', '--pxe', '--http', `${serverIp}:8780`, '--rsync', `${serverIp}:8873`, ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = once(child, 'exit');
  const waitFor = async (pattern: RegExp, what: string, timeoutMs = 60_000, from = 0): Promise<RegExpExecArray> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(text.slice(from));
      if (match !== null) return match;
      if (child.exitCode !== null) throw new Error(`serve exited (${child.exitCode}) before ${what}:\n${text}`);
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}:\n${text}`);
      await sleep(100);
    }
  };
  await waitFor(/rootcast serve: HTTP on/, 'serve to start');
  return {
    output: () => text,
    signal: (name) => void child.kill(name),
    waitFor,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
};

/** A DHCP client hook script that only writes its environment to a file (never touches the namespace's config). */
export const writeDhcpHook = async (dir: string, tag: string): Promise<{ script: string; read(): Promise<Record<string, string>> }> => {
  await mkdir(dir, { recursive: true });
  const script = join(dir, `dhcp-hook-${tag}.sh`);
  const out = join(dir, `lease.${tag}`);
  await writeFile(
    script,
    [
      '#!/bin/sh',
      '# udhcpc passes the event as $1, dhclient as $reason; only a bound lease is recorded.',
      'event="${reason:-$1}"',
      'case "$event" in bound|BOUND) ;; *) exit 0 ;; esac',
      `env > "${out}"`,
      '# dhclient -d would keep running: the test only needs the first lease.',
      'if [ "$event" = BOUND ]; then kill "$PPID"; fi',
      'exit 0',
      '',
    ].join('\n'),
  );
  await chmod(script, 0o755);
  const read = async (): Promise<Record<string, string>> => {
    const text = await readFile(out, 'utf8');
    await rm(out, { force: true });
    return Object.fromEntries(text.split('\n').filter((line) => line.includes('=')).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
  };
  return { script, read };
};

/** udhcpc (busybox) once, sending option 93 (and whatever `extra` adds); its hook writes the lease. */
export const runUdhcpc = (net: TestNetwork, namespace: string, hook: string, arch: number, extra: readonly string[] = []) =>
  net.run(namespace, 'udhcpc', ['-i', 'eth0', '-n', '-q', '-f', '-t', '5', '-s', hook, '-x', `0x5d:${arch.toString(16).padStart(4, '0')}`, ...extra], { timeoutMs: 30_000 });

/** ISC dhclient once, sending option 93 from its own config file; the hook ends it once bound. */
export const runDhclient = async (net: TestNetwork, namespace: string, dir: string, hook: string, tag: string, arch: number) => {
  const conf = join(dir, `dhclient-${tag}.conf`);
  await writeFile(conf, `option pxe-arch code 93 = unsigned integer 16;\nsend pxe-arch ${arch};\n`);
  return net.run(namespace, 'dhclient', ['-1', '-d', '-sf', hook, '-cf', conf, '-lf', join(dir, `dhclient-${tag}.leases`), '-pf', join(dir, `dhclient-${tag}.pid`), 'eth0'], { timeoutMs: 30_000 });
};

/** Sends one PXE DHCPDISCOVER from the namespace and returns every offer (test/helpers/dhcp-probe.mjs). */
export interface ProbedOffer {
  yiaddr: string;
  siaddr: string;
  file: string;
  serverId: string;
  vendorClass: string;
  bootFileOption: string;
  /** Option 43 as text: a proxy-DHCP offer's boot menu names its items. */
  pxeOptions: string;
}

/** `broadcast`: the subnet's (255.255.255.255 needs a default route, which test namespaces lack). */
export const probeDhcpOffers = async (net: TestNetwork, namespace: string, mac: string, arch: number, broadcast: string): Promise<ProbedOffer[]> => {
  const outcome = await net.run(namespace, process.execPath, [join(import.meta.dirname, 'dhcp-probe.mjs'), mac, String(arch), '3000', broadcast]);
  if (outcome.exitCode !== 0) throw new Error(`dhcp probe failed: ${outcome.stderr}`);
  return outcome.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as ProbedOffer);
};

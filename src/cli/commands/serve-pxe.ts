import type { NetworkInterfaceInfo } from 'node:os';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError } from '../../errors/format-error.js';
import type { HomePaths } from '../../home/paths.js';
import { writeBootChoice } from '../../pxe/boot-choice-store.js';
import { planDhcpConfig } from '../../pxe/dhcp-plan.js';
import { formatStatusLine } from '../../pxe/status.js';
import { planTftpAddresses } from '../../pxe/tftp-addresses.js';
import type { ServePxeHooks } from '../../server/pxe-hooks.js';
import { writeFileAtomic } from '../../sys/atomic-write.js';
import { readInterfaces } from '../../sys/default-route.js';
import { superviseDnsmasq, type SupervisedDnsmasq } from '../../sys/dnsmasq.js';
import { openTftpServer, type RunningTftpServer } from '../../sys/tftp-server.js';
import { bootTreeRoot, readPxeInputs, type PxeInputs } from './pxe-inputs.js';
import { foreignWarning, planStatus, readPxeStatus, syncBootTree } from './pxe-sync.js';

export interface PxeServiceOptions {
  paths: HomePaths;
  /** --pxe-interface: overrides pxe.interface. */
  interface?: string;
  log: (line: string) => void;
  now: () => Date;
  /** @default 69 (PXE firmware asks no other port) */
  tftpPort?: number;
  /** @default "dnsmasq" */
  dnsmasqCommand?: string;
  /** This machine's interfaces and their addresses (where TFTP binds). @default os.networkInterfaces() */
  interfaces?: () => Record<string, NetworkInterfaceInfo[]>;
}

/** What serve --pxe runs beside HTTP and rsync; each part that cannot run is reported and skipped. */
export interface PxeServices {
  hooks: ServePxeHooks;
  /** SIGHUP: re-read the inventory, re-sync the tree, restart dnsmasq with the new config. */
  reload(): Promise<void>;
  stop(): Promise<void>;
}

const say = (log: (line: string) => void, what: string, error: unknown): void => {
  const printed = describeError(error);
  log(`pxe: ${what}: ${printed.message}${printed.details.map((line) => `\n  ${line}`).join('')}${printed.hint === undefined ? '' : `\n  hint: ${printed.hint}`}`);
};

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((item) => b.includes(item));

/** Starts the boot tree sync, TFTP and the supervised dnsmasq; serve keeps serving what it can. */
export const startPxeServices = async (options: PxeServiceOptions): Promise<PxeServices> => {
  const { log } = options;
  const runDir = join(options.paths.home, 'run');
  const configFile = join(runDir, 'dnsmasq.conf');
  let tftp: RunningTftpServer[] = [];
  let dnsmasq: SupervisedDnsmasq | undefined;
  let serving = false;

  /** Syncs what it can, reports each missing file, and always prints what every MAC boots next. */
  const syncTree = async (inputs: PxeInputs): Promise<void> => {
    try {
      const { plan, result } = await syncBootTree(inputs, { fetch: globalThis.fetch });
      for (const entry of result.foreign) log(`pxe: ${foreignWarning(entry)}`);
      for (const warning of plan.warnings) log(`pxe: ${warning}`);
      log(`pxe: boot tree ${plan.root}: ${result.copied.length} copied, ${result.fetched.length} fetched, ${result.written.length} written, ${result.removed.length} removed`);
      for (const problem of plan.problems) log(`pxe: missing: ${problem.message}`);
      if (plan.problems.length > 0) log('pxe: everything else is served; install the packages named above or fix pxe.installers, then send serve SIGHUP');
    } catch (error) {
      say(log, 'the boot tree could not be synced (machines that need the files it could not write will not boot)', error);
    }
    for (const row of await readPxeStatus(inputs, await planStatus(inputs))) log(`pxe: ${formatStatusLine(row)}`);
  };

  const readInputs = async (): Promise<PxeInputs | undefined> => {
    try {
      return await readPxeInputs(options.paths);
    } catch (error) {
      // A failed reload changes nothing: the tree, TFTP and dnsmasq of the last good inventory stay.
      if (serving) say(log, 'reload failed, still serving the previous PXE configuration (boot tree, TFTP and dnsmasq unchanged); fix the inventory, then send SIGHUP again', error);
      else say(log, 'not serving PXE (the inventory\'s PXE settings); fix the inventory, then send SIGHUP', error);
      return undefined;
    }
  };

  const startDhcp = async (inputs: PxeInputs): Promise<void> => {
    if ((options.interface ?? inputs.settings.interface) === undefined) {
      // A DHCP server on every interface of the image server would answer the office network too.
      log('pxe: DHCP is not served: no interface chosen; set pxe.interface in the inventory or pass --pxe-interface');
      return;
    }
    const tftpRoot = inputs.settings.tftp === 'dnsmasq' ? inputs.root : undefined;
    const context = planDhcpConfig(inputs.settings, inputs.resolved, {
      proxy: inputs.settings.mode === 'proxy',
      leaseFile: join(runDir, 'dnsmasq.leases'),
      ...(options.interface === undefined ? {} : { interface: options.interface }),
      ...(tftpRoot === undefined ? {} : { tftpRoot }),
    });
    await mkdir(runDir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(configFile, inputs.templates.dnsmasq(context), { mode: 0o600 });
    try {
      dnsmasq = await superviseDnsmasq({ configFile, log, ...(options.dnsmasqCommand === undefined ? {} : { command: options.dnsmasqCommand }) });
      log(`pxe: dnsmasq serves ${context.proxy ? 'proxy-DHCP' : 'DHCP'}${tftpRoot === undefined ? '' : ` and TFTP from ${tftpRoot}`} on ${context.interface || 'every interface'} for ${context.network.subnet} (${configFile})`);
    } catch (error) {
      say(log, 'DHCP is not served', error);
    }
  };

  /** rootcast's own TFTP on the PXE interface's addresses; restarted only when those change. */
  const startTftp = async (inputs: PxeInputs): Promise<void> => {
    let wanted: string[] = [];
    if (inputs.settings.tftp === 'rootcast') {
      try {
        const planned = planTftpAddresses(options.interface ?? inputs.settings.interface, (options.interfaces ?? readInterfaces)(), inputs.settings.serverAddress);
        if (planned.warning !== undefined) log(`pxe: warning: ${planned.warning}`);
        wanted = planned.addresses;
      } catch (error) {
        say(log, 'TFTP is not served', error);
        return;
      }
    }
    if (sameSet(wanted, tftp.map((server) => server.address))) return;
    await Promise.all(tftp.map((server) => server.stop()));
    tftp = [];
    if (wanted.length === 0) return;
    await mkdir(inputs.root, { recursive: true, mode: 0o755 });
    for (const address of wanted) {
      try {
        tftp.push(await openTftpServer({ root: inputs.root, address, port: options.tftpPort ?? 69, log }));
      } catch (error) {
        say(log, `TFTP is not served on ${address}`, error);
      }
    }
    if (tftp.length > 0) log(`pxe: TFTP on ${tftp.map((server) => `${server.address}:${server.port}`).join(', ')} from ${inputs.root} (read-only)`);
  };

  const start = async (inputs: PxeInputs): Promise<void> => {
    await syncTree(inputs);
    await startTftp(inputs);
    await dnsmasq?.stop();
    dnsmasq = undefined;
    await startDhcp(inputs);
    serving = true;
  };

  const first = await readInputs();
  if (first !== undefined) await start(first);

  return {
    hooks: {
      bootTree: bootTreeRoot(options.paths),
      onInstallDone: async (host) => {
        await writeBootChoice(options.paths, host, { next: 'local', why: 'install finished (done reported)', at: options.now().toISOString() });
        const inputs = await readPxeInputs(options.paths);
        const { result } = await syncBootTree(inputs, { fetch: globalThis.fetch, configsOnly: true });
        for (const entry of result.foreign) log(`pxe: ${foreignWarning(entry)}`);
        log(`pxe: ${host} finished installing: its next PXE boot falls through to the local disk`);
      },
    },
    reload: async () => {
      const inputs = await readInputs();
      if (inputs !== undefined) await start(inputs);
    },
    stop: async () => {
      await Promise.all([dnsmasq?.stop(), ...tftp.map((server) => server.stop())]);
    },
  };
};

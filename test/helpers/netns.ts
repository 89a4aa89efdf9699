import { execFile, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/**
 * A throwaway network: one hub namespace with a bridge and N host namespaces, each joined to it by a veth pair,
 * on 10.213.X.0/24 where X derives from the pid (parallel runs do not clash). Never dial these addresses from
 * the root namespace: the packets would leave by the default route. Run every client inside a namespace.
 */
export interface TestNetwork {
  /** Namespace names, in the order asked for. */
  namespaces: string[];
  /** IPv4 address of each namespace's eth0, same order. */
  addresses: string[];
  /** Runs a command inside a namespace to completion; never throws on a non-zero exit. */
  run(namespace: string, command: string, args: readonly string[], options?: { env?: Record<string, string>; timeoutMs?: number }): Promise<CommandOutcome>;
  /** Starts a long-running process inside a namespace (`ip netns exec NS ...`). */
  spawn(namespace: string, command: string, args: readonly string[], options?: SpawnOptions): ChildProcess;
  /** Caps what the namespace's card sends and receives (`tbf` on both ends of its veth), e.g. 200 Mbit/s. */
  shape(namespace: string, rateMbit: number): Promise<void>;
  /** Bytes the namespace's eth0 has sent so far (IP and TCP headers included). */
  txBytes(namespace: string): Promise<number>;
  /** A second address on the namespace's eth0 (`.<octet>`), to bring down and up again: a service on it "is down" while the rest answers. */
  extraAddress(namespace: string, octet: number): Promise<{ address: string; down(): Promise<void>; up(): Promise<void> }>;
  /** Deletes every namespace (their veths and bridge go with them). */
  destroy(): Promise<void>;
}

export interface CommandOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const ip = (args: string[]) => execFileAsync('ip', args);

/**
 * Waits (bounded) until every bridge port forwards and every host's eth0 is up: the kernel brings a
 * veth's carrier up from a deferred work item, which a loaded machine runs late, and until then the
 * bridge drops frames (first connections timed out in tests started under load).
 */
const waitUntilForwarding = async (hub: string, namespaces: readonly string[], timeoutMs = 60_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ports = JSON.parse((await execFileAsync('bridge', ['-n', hub, '-j', 'link', 'show'])).stdout) as { state?: string }[];
    const cards = await Promise.all(namespaces.map(async (name) => (JSON.parse((await ip(['-n', name, '-j', 'link', 'show', 'dev', 'eth0'])).stdout) as { operstate?: string }[])[0]?.operstate));
    const ready = ports.length === namespaces.length && ports.every((port) => port.state === 'forwarding') && cards.every((state) => state === 'UP');
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`test network not forwarding after ${timeoutMs} ms: bridge ports ${JSON.stringify(ports.map((port) => port.state))}, eth0 ${JSON.stringify(cards)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

export const subnetOctet = (pid: number = process.pid): number => 1 + (pid % 250);

/** Creates `count` host namespaces named `<prefix>-<i>` (addresses .2, .3, ...) plus `<prefix>-hub`. */
export const createTestNetwork = async (count: number, prefix = `rc${process.pid}`): Promise<TestNetwork> => {
  const octet = subnetOctet();
  const hub = `${prefix}-hub`;
  const namespaces = Array.from({ length: count }, (_, index) => `${prefix}-${index}`);
  const addresses = namespaces.map((_, index) => `10.213.${octet}.${index + 2}`);
  const created: string[] = [];
  const destroy = async (): Promise<void> => {
    for (const name of created.reverse()) await ip(['netns', 'delete', name]).catch(() => undefined);
    created.length = 0;
  };
  try {
    await ip(['netns', 'add', hub]);
    created.push(hub);
    await ip(['-n', hub, 'link', 'add', 'br0', 'type', 'bridge']);
    await ip(['-n', hub, 'link', 'set', 'br0', 'up']);
    for (const [index, name] of namespaces.entries()) {
      await ip(['netns', 'add', name]);
      created.push(name);
      await ip(['link', 'add', `veth${index}`, 'netns', hub, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', name]);
      await ip(['-n', hub, 'link', 'set', `veth${index}`, 'master', 'br0', 'up']);
      await ip(['-n', name, 'addr', 'add', `${addresses[index]}/24`, 'dev', 'eth0']);
      await ip(['-n', name, 'link', 'set', 'eth0', 'up']);
      await ip(['-n', name, 'link', 'set', 'lo', 'up']);
    }
    await waitUntilForwarding(hub, namespaces);
  } catch (error) {
    await destroy();
    throw error;
  }
  return {
    namespaces,
    addresses,
    run: async (namespace, command, args, options = {}) => {
      try {
        const { stdout, stderr } = await execFileAsync('ip', ['netns', 'exec', namespace, command, ...args], {
          env: { ...process.env, ...options.env },
          timeout: options.timeoutMs ?? 30_000,
          maxBuffer: 16 * 1024 * 1024,
        });
        return { exitCode: 0, stdout, stderr };
      } catch (error) {
        const failed = error as { code?: number | string; stdout?: string; stderr?: string };
        return { exitCode: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
      }
    },
    spawn: (namespace, command, args, options = {}) => spawn('ip', ['netns', 'exec', namespace, command, ...args], options),
    shape: async (namespace, rateMbit) => {
      const index = namespaces.indexOf(namespace);
      const tbf = ['root', 'tbf', 'rate', `${rateMbit}mbit`, 'burst', '256kb', 'latency', '50ms'];
      await execFileAsync('tc', ['-n', namespace, 'qdisc', 'replace', 'dev', 'eth0', ...tbf]);
      await execFileAsync('tc', ['-n', hub, 'qdisc', 'replace', 'dev', `veth${index}`, ...tbf]);
    },
    txBytes: async (namespace) => {
      const { stdout } = await execFileAsync('ip', ['-n', namespace, '-j', '-s', 'link', 'show', 'dev', 'eth0']);
      return (JSON.parse(stdout) as { stats64: { tx: { bytes: number } } }[])[0]?.stats64.tx.bytes ?? 0;
    },
    extraAddress: async (namespace, octet) => {
      const address = `10.213.${subnetOctet()}.${octet}`;
      const change = (verb: 'add' | 'del') => ip(['-n', namespace, 'addr', verb, `${address}/24`, 'dev', 'eth0']).then(() => undefined);
      await change('add');
      return { address, down: () => change('del'), up: () => change('add') };
    },
    destroy,
  };
};

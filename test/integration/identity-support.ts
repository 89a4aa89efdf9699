import { rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { IdentityInput } from '../../src/identity/identity-input.js';
import { planIdentity, type IdentityPlan } from '../../src/identity/plan-identity.js';
import { readRootSnapshot } from '../../src/identity/read-root.js';
import { applyFileOps } from '../helpers/apply-file-ops.js';
import type { CommandOutcome, OverlayRoot } from '../helpers/overlay-root.js';

const chrootPath = 'PATH=/usr/sbin:/usr/bin:/sbin:/bin';

/** Runs one of the root's own programs chrooted, with a clean environment. */
export const inRoot = (root: OverlayRoot, argv: readonly string[], input?: string): Promise<CommandOutcome> =>
  root.run('chroot', [root.merged, 'env', '-i', chrootPath, ...argv], input);

/** Enables or disables a unit the way systemctl would: a .wants link under /etc. */
export const setUnitEnabled = async (root: OverlayRoot, unit: string, enabled: boolean, target = 'multi-user.target'): Promise<void> => {
  const link = join(root.view, 'etc/systemd/system', `${target}.wants`, unit);
  await rm(link, { force: true });
  if (enabled) await symlink(`/lib/systemd/system/${unit}`, link);
};

/** The real read step, the planner, and the ops applied to the overlay: what the runner will do. */
export const planAndApply = async (root: OverlayRoot, input: IdentityInput): Promise<IdentityPlan> => {
  const plan = planIdentity({ input, snapshot: await readRootSnapshot(root.view), randomBytes });
  await applyFileOps(root.view, plan.ops);
  return plan;
};

/** A card in a network namespace of its own: one end of a veth pair with the given name and MAC. */
export interface TestCard {
  device: string;
  mac: string;
}

const quote = (text: string): string => `'${text.replaceAll("'", "'\\''")}'`;

/**
 * Runs `body` (sh) in a new network and mount namespace holding only `card` (its peer is up, so
 * the card has a carrier), with /proc and /sys of that namespace mounted in the root. Nothing of
 * it outlives the command. `$CHROOT` runs a root program: `$CHROOT ifup ...`.
 */
export const withCard = (root: OverlayRoot, card: TestCard, body: string, sysfsReadOnly = false): Promise<CommandOutcome> =>
  root.shell(
    `exec unshare --net --mount --propagation private sh -ec ${quote(
      [
        `ip link add ${card.device} address ${card.mac} type veth peer name rcpeer0`,
        'ip link set rcpeer0 up',
        'ip link set lo up',
        'mount -t proc proc "$MERGED/proc"',
        // networkd waits for udev to initialise links unless /sys is read-only (as in a container).
        `mount -t sysfs ${sysfsReadOnly ? '-o ro ' : ''}sysfs "$MERGED/sys"`,
        'mount -t tmpfs tmpfs "$MERGED/run"',
        'mkdir -p "$MERGED/run/network" "$MERGED/run/systemd/netif/links" "$MERGED/run/systemd/netif/leases"',
        `CHROOT="chroot $MERGED env -i ${chrootPath}"`,
        body,
      ].join('\n'),
    )}`,
  );

/**
 * Starts the root's systemd-networkd for `card`, waits (at most 30 s) until `ready` (a shell test)
 * holds, stops it, and returns the card's addresses, the routes and networkd's debug log.
 */
export const runNetworkd = async (root: OverlayRoot, card: TestCard, ready: string): Promise<{ addresses: unknown; routes: unknown; log: string; outcome: CommandOutcome }> => {
  const outcome = await withCard(
    root,
    card,
    [
      'log="$MERGED/tmp/networkd.log"',
      'chroot "$MERGED" env -i SYSTEMD_LOG_LEVEL=debug /lib/systemd/systemd-networkd >"$log" 2>&1 &',
      'pid=$!',
      'tries=0',
      `until { ${ready}; } || [ $tries -ge 300 ]; do sleep 0.1; tries=$((tries + 1)); done`,
      'kill $pid; wait $pid || true',
      `echo '@@addresses'; ip -j addr show dev ${card.device}`,
      "echo '@@routes'; ip -j -4 route",
      "echo '@@log'; cat \"$log\"",
    ].join('\n'),
    true,
  );
  const sections = Object.fromEntries(outcome.stdout.split('@@').slice(1).map((part) => [part.slice(0, part.indexOf('\n')), part.slice(part.indexOf('\n') + 1)]));
  const parse = (text: string | undefined): unknown => JSON.parse(text?.trim() || 'null');
  return { addresses: parse(sections['addresses']), routes: parse(sections['routes']), log: sections['log'] ?? '', outcome };
};

/** An INI text as `section.key → value` (last one wins), comments dropped: to compare keyfiles. */
export const iniMap = (text: string): Record<string, string> => {
  const map: Record<string, string> = {};
  let section = '';
  for (const line of text.split('\n').map((raw) => raw.trim())) {
    if (line.startsWith('[')) section = line.slice(1, -1);
    else if (line !== '' && !line.startsWith('#') && line.includes('=')) map[`${section}.${line.slice(0, line.indexOf('='))}`] = line.slice(line.indexOf('=') + 1);
  }
  return map;
};

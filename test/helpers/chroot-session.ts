import { RootcastError } from '../../src/errors/rootcast-error.js';
import { execProcess, SubprocessError } from '../../src/sys/exec.js';

/** What a chrooted script gets besides /proc, /sys and a private /dev with the basic nodes. */
export interface ChrootSessionOptions {
  /** Block devices copied into the private /dev, e.g. the disk and partitions grub-install must see. @default [] */
  devices?: readonly string[];
  /** Symlinks made in the private /dev (path below /dev → target): no udev runs here to make /dev/disk/by-uuid. @default {} */
  devLinks?: Readonly<Record<string, string>>;
  /** tmpfs mounts in the root (root-relative path → the mount's source name, which grub-install reads as the device). @default {} */
  tmpfs?: Readonly<Record<string, string>>;
  /** Bind the build host's /etc/resolv.conf, so apt in the root can resolve the mirror. @default false */
  resolver?: boolean;
  /** Shell run in the namespace after the chrooted script, outside the root (`$ROOT` names it). @default "" */
  afterChroot?: string;
  /** @default 900000 (15 min: apt installing a kernel on a loaded machine) */
  timeoutMs?: number;
}

// Runs as PID 1 of a private PID and mount namespace: every mount below goes away and every
// process inside is killed when it exits, or when unshare is killed (--kill-child).
const sessionScript = String.raw`
mount -t proc proc "$ROOT/proc"
mount --rbind /sys "$ROOT/sys"
mount -t tmpfs -o mode=0755,size=16m rootcast-dev "$ROOT/dev"
cp -a /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty "$ROOT/dev/"
mkdir "$ROOT/dev/pts" "$ROOT/dev/shm"
ln -s /proc/self/fd "$ROOT/dev/fd"
for device in $DEVICES; do cp -a "$device" "$ROOT/dev/"; done
printf '%s\n' "$DEV_LINKS" | while read -r path target; do
  [ -n "$path" ] || continue
  mkdir -p "$(dirname "$ROOT/dev/$path")"
  ln -s "$target" "$ROOT/dev/$path"
done
printf '%s\n' "$TMPFS" | while read -r path source; do
  [ -n "$path" ] || continue
  mkdir -p "$ROOT/$path"
  mount -t tmpfs -o mode=0755,size=256m "$source" "$ROOT/$path"
done
made_resolv=
if [ "$RESOLVER" = 1 ]; then
  [ -e "$ROOT/etc/resolv.conf" ] || { : >"$ROOT/etc/resolv.conf"; made_resolv=1; }
  mount --bind /etc/resolv.conf "$ROOT/etc/resolv.conf"
fi
status=0
chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive /bin/sh -ec "$SCRIPT" || status=$?
if [ -n "$made_resolv" ]; then umount "$ROOT/etc/resolv.conf"; rm -f "$ROOT/etc/resolv.conf"; fi
[ "$status" -eq 0 ] || exit "$status"
eval "$AFTER_CHROOT"
`;

/**
 * Runs `script` (sh -e) chrooted into `root` the way an installer runs its in-target steps, with a
 * clean environment (the host's NODE_* variables must not leak in); returns its stdout. Nothing
 * mounted for the session outlives it. Throws with the stderr tail when the script fails.
 */
export const runInChroot = async (root: string, script: string, options: ChrootSessionOptions = {}): Promise<string> => {
  const lines = (record: Readonly<Record<string, string>> | undefined): string =>
    Object.entries(record ?? {}).map(([key, value]) => `${key} ${value}`).join('\n');
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;
  // unshare --fork ignores SIGTERM, so the bound is timeout(1) with SIGKILL; --kill-child then takes the namespace down.
  const run = execProcess({
    command: 'timeout',
    args: ['--signal=KILL', `${Math.ceil(timeoutMs / 1000)}s`, 'unshare', '--mount', '--pid', '--fork', '--kill-child', '--propagation', 'private', '--', 'sh', '-ec', sessionScript],
    env: {
      ROOT: root,
      SCRIPT: script,
      DEVICES: (options.devices ?? []).join(' '),
      DEV_LINKS: lines(options.devLinks),
      TMPFS: lines(options.tmpfs),
      RESOLVER: options.resolver === true ? '1' : '0',
      AFTER_CHROOT: options.afterChroot ?? '',
    },
  });
  try {
    return (await run).stdout;
  } catch (error) {
    // timeout(1) kills its whole process group, itself included: the run ends by SIGKILL.
    if (error instanceof RootcastError && error.code === 'INTERRUPTED') throw new Error(`chroot ${root} was killed after ${timeoutMs} ms (timeout) running:\n${script.trim()}`);
    if (!(error instanceof SubprocessError)) throw error;
    // The session script is the same every time: say which root and script failed, and how.
    throw new Error(`chroot ${root} failed with exit ${error.exitCode} running:\n${script.trim()}\n--- stderr (tail) ---\n${error.stderr.trimEnd().split('\n').slice(-30).join('\n')}`);
  }
};

#!/bin/sh
# rootcast bootstrap: what the installer's %post (kickstart) or late_command (preseed) runs.
# Downloads the server's node binary and the runner bundle, then runs the runner either directly
# (when node works in the installer environment, e.g. Anaconda) or chrooted into the installed
# system (e.g. debian-installer, whose environment has no libstdc++), where the target is "/".
# POSIX sh, busybox-compatible. Usage:
#   ROOTCAST_TOKEN=TOKEN bootstrap.sh --server URL --host NAME --target SYSROOT --family rhel|debian
# The install token comes in the environment, never on a command line (argv is world-readable in
# /proc). Environment: ROOTCAST_NODE_MODE=direct|chroot forces a mode; ROOTCAST_WORK_DIR (default
# /run/rootcast) is where node and the runner go in direct mode.
# When it fails (it cannot fetch or start the runner, or the runner exits non-zero) it posts a `failed`
# event with the reason and the last lines of <target>/var/log/rootcast/bootstrap.log (where the answer
# files send its output); that report never changes its exit status and gives up after 10 s.
set -eu

server='' host='' token=${ROOTCAST_TOKEN:-} target='' family=''
usage() { echo "usage: ROOTCAST_TOKEN=TOKEN bootstrap.sh --server URL --host NAME --target SYSROOT --family rhel|debian" >&2; exit 64; }
while [ $# -gt 0 ]; do
  case "$1" in
    --server) [ $# -ge 2 ] || usage; server=$2; shift 2 ;;
    --host) [ $# -ge 2 ] || usage; host=$2; shift 2 ;;
    --target) [ $# -ge 2 ] || usage; target=$2; shift 2 ;;
    --family) [ $# -ge 2 ] || usage; family=$2; shift 2 ;;
    *) echo "bootstrap.sh: unknown argument $1" >&2; usage ;;
  esac
done
[ -n "$server" ] && [ -n "$host" ] && [ -n "$token" ] && [ -n "$target" ] || usage
case "$family" in rhel|debian|'') ;; *) echo "bootstrap.sh: unknown family $family" >&2; exit 64 ;; esac
[ -d "$target" ] || { echo "bootstrap.sh: target $target is not a directory" >&2; exit 66; }
server=${server%/}

say() { echo "rootcast bootstrap: $*" >&2; }

# Why the script is about to fail; the exit trap reports it.
failure=''

# json_lines: each line of stdin as a JSON string, comma-separated. Control characters go, lines are cut
# to 400 bytes before escaping (so an escape is never cut in half); sed, tr and cut are in busybox too.
json_lines() {
  tr '\t' ' ' | tr -d '\000-\010\013-\037' | cut -c1-400 | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$/"/' | tr '\n' ',' | sed 's/,$//'
}

# post_event BODY: curl, else an HTTP/1.0 POST through busybox nc (d-i has no curl; its wget cannot POST).
# The token goes to curl on stdin and to nc through the printf builtin, never on a command line.
post_event() {
  url="$server/api/v1/hosts/$host/events"
  if command -v curl >/dev/null 2>&1; then
    printf 'header = "Authorization: Bearer %s"\n' "$token" | curl -fsS --connect-timeout 5 -m 10 -K - -H 'Content-Type: application/json' --data-binary "$1" "$url"
    return
  fi
  case "$server" in http://*) ;; *) return 1 ;; esac
  rest=${server#http://}; authority=${rest%%/*}; prefix=''
  case "$rest" in */*) prefix=/${rest#*/} ;; esac
  case "$authority" in *:*) port=${authority##*:} ;; *) port=80 ;; esac
  length=$(printf '%s' "$1" | wc -c | tr -d ' ')
  printf 'POST %s/api/v1/hosts/%s/events HTTP/1.0\r\nHost: %s\r\nContent-Type: application/json\r\nAuthorization: Bearer %s\r\nContent-Length: %s\r\n\r\n%s' \
    "$prefix" "$host" "$authority" "$token" "$length" "$1" | nc -w 10 "${authority%:*}" "$port"
}

# report_failure STATUS: tells serve why this install stopped; whatever happens, the exit status stays.
report_failure() {
  set +e
  reason=${failure:-"bootstrap.sh stopped with exit status $1"}
  log="$target/var/log/rootcast/bootstrap.log"
  lines=''
  [ -r "$log" ] && lines=$(tail -n 40 "$log" | json_lines)
  id=$(cat /proc/sys/kernel/random/uuid 2>/dev/null || echo "bs-$$-$(date +%s)")
  body=$(printf '{"v":2,"kind":"failed","id":"%s","host":"%s","at":"%s","stage":"bootstrap","message":%s,"log":[%s],"exitCode":%s}' \
    "$id" "$host" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(printf '%s\n' "$reason" | json_lines)" "$lines" "$1")
  post_event "$body" >/dev/null 2>&1 || say "could not report the failure to $server"
}
trap 'status=$?; trap - EXIT; [ "$status" -eq 0 ] || report_failure "$status"; exit "$status"' EXIT

# fetch URL FILE: curl, else wget (busybox has wget); retried, since the network may be settling.
fetch() {
  tries=0
  while :; do
    if command -v curl >/dev/null 2>&1; then
      curl -fsS --connect-timeout 10 -o "$2.part" "$1" && break
    else
      # No -T: the busybox 1.35 of Debian 12 and of its d-i initrd segfaults (status 139) on any wget -T.
      wget -q -O "$2.part" "$1" && break
    fi
    tries=$((tries + 1))
    [ "$tries" -lt 5 ] || { failure="cannot download $1 (5 tries)"; say "$failure"; exit 69; }
    sleep $((tries * 2))
  done
  mv "$2.part" "$2"
}

download_to() {
  mkdir -p "$1"
  chmod 700 "$1"
  fetch "$server/runner/node" "$1/node"
  fetch "$server/runner/runner.cjs" "$1/runner.cjs"
  chmod 755 "$1/node"
}

# The runner inherits the token from the environment in direct mode (never via argv).
export ROOTCAST_TOKEN="$token"
mode=${ROOTCAST_NODE_MODE:-}
work=${ROOTCAST_WORK_DIR:-/run/rootcast}

if [ "$mode" != chroot ]; then
  download_to "$work"
  if "$work/node" --version >/dev/null 2>&1; then
    say "running the runner with node in the installer environment (target $target)"
    status=0
    "$work/node" "$work/runner.cjs" --target "$target" --server "$server" --host "$host" || status=$?
    rm -rf "$work"
    [ "$status" -eq 0 ] || failure="the runner exited with status $status"
    exit "$status"
  fi
  [ "$mode" != direct ] || { failure="the server's node binary does not run in the installer environment and ROOTCAST_NODE_MODE=direct"; say "$failure"; exit 69; }
  rm -rf "$work"
  say "node does not run in the installer environment"
fi

inner=/run/rootcast
download_to "$target$inner"
# env -i below starts from an empty environment, and an assignment on its command line would put the
# token on argv: hand it over in a 0600 file inside the 0700 work dir instead (removed with it).
(umask 077 && printf '%s\n' "$token" >"$target$inner/token")
# The runner inside the chroot reads /proc and needs /sys and /dev for its own mounts.
mounted=''
for fs in proc sys dev; do
  mkdir -p "$target/$fs"
  if ! grep -q " $target/$fs " /proc/mounts; then
    mount -o rbind "/$fs" "$target/$fs"
    mounted="$target/$fs $mounted"
  fi
done
say "running the runner chrooted into $target (the runner sees it as /)"
status=0
chroot "$target" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C \
  "$inner/node" "$inner/runner.cjs" --target / --server "$server" --host "$host" --token-file "$inner/token" --work-dir "$inner" || status=$?
for dir in $mounted; do umount -l "$dir" || true; done
rm -rf "$target$inner"
[ "$status" -eq 0 ] || failure="the runner exited with status $status"
exit "$status"

#!/bin/sh
# rootcast first boot: tells rootcast serve, once, that this host booted the system it deployed,
# and with which kernel; then disables its unit. rootcast-firstboot.service starts it; the runner
# installs both at deploy (docs/runner.md). POSIX sh; needs curl or GNU wget.
# The host credential never goes on a command line (argv is world-readable in /proc): curl reads the
# header from a file, wget from a config file, both mode 600 under a private temporary directory.
# Environment (for tests): ROOTCAST_CONF_DIR (default /etc/rootcast), ROOTCAST_FIRSTBOOT_TRIES
# (default 60) and ROOTCAST_FIRSTBOOT_INTERVAL (default 10 s): the network may take minutes to come up;
# ROOTCAST_RUNNER_DIR (default /usr/local/lib/rootcast) and ROOTCAST_TARGET_ROOT (default /) for the update below.
# An update interrupted by a reboot or a power cut (its marker update-in-progress is still there) is
# finished first, with the node and runner.cjs kept in the runner directory (docs/update.md).
set -eu

conf=${ROOTCAST_CONF_DIR:-/etc/rootcast}
tries=${ROOTCAST_FIRSTBOOT_TRIES:-60}
interval=${ROOTCAST_FIRSTBOOT_INTERVAL:-10}
say() { echo "rootcast-firstboot: $*" >&2; }

# client.json is written by the runner, one "key": "value" per line.
field() { sed -n "s/^ *\"$1\": *\"\([^\"\\\\]*\)\",\{0,1\}\$/\1/p" "$conf/client.json" | head -n 1; }
[ -r "$conf/client.json" ] && [ -r "$conf/host.key" ] || { say "no enrolment in $conf (client.json and host.key): nothing to report to"; exit 78; }
server=$(field server)
host=$(field host)
[ -n "$server" ] && [ -n "$host" ] || { say "$conf/client.json names no server or host"; exit 78; }
credential=$(cat "$conf/host.key")

runner_dir=${ROOTCAST_RUNNER_DIR:-/usr/local/lib/rootcast}
if [ -f "$conf/update-in-progress" ]; then
  if [ -x "$runner_dir/node" ] && [ -r "$runner_dir/runner.cjs" ]; then
    say "finishing the interrupted update: $(cat "$conf/update-in-progress")"
    # The update retries the server itself (its --retries) while the network comes up.
    "$runner_dir/node" "$runner_dir/runner.cjs" update --target-root "${ROOTCAST_TARGET_ROOT:-/}" >&2 || say "the update did not finish (exit $?): run rootcast update by hand"
  else
    say "an update was interrupted, but $runner_dir has no node and runner.cjs: run rootcast update by hand"
  fi
fi

# One id per boot: a post retried after a lost answer is stored once.
id="boot-$(cat /proc/sys/kernel/random/boot_id)"
body=$(printf '{"v":2,"kind":"booted","id":"%s","host":"%s","at":"%s","message":"kernel %s"}' "$id" "$host" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$(uname -r)")
url="$server/api/v1/hosts/$host/events"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
umask 077
printf 'Authorization: Bearer %s\n' "$credential" >"$work/headers"
printf 'header = Authorization: Bearer %s\nheader = Content-Type: application/json\n' "$credential" >"$work/wgetrc"

# post: 0 delivered, 1 worth retrying (no answer, 5xx, 408, 429), 2 refused for good (other 4xx).
post() {
  if command -v curl >/dev/null 2>&1; then
    code=$(curl -sS --connect-timeout 10 -m 30 -o "$work/answer" -w '%{http_code}' -H @"$work/headers" -H 'Content-Type: application/json' --data-binary "$body" "$url") || return 1
    case "$code" in
      2??) return 0 ;;
      408|429|5??) say "serve answered $code: $(head -c 300 "$work/answer")"; return 1 ;;
      *) say "serve refused the report ($code): $(head -c 300 "$work/answer")"; return 2 ;;
    esac
  fi
  if command -v wget >/dev/null 2>&1; then
    # GNU wget: exit 8 is any HTTP error; without the status code every failure is retried.
    wget -q -T 30 -O "$work/answer" --config="$work/wgetrc" --post-data="$body" "$url" && return 0
    return 1
  fi
  say "neither curl nor wget is installed: cannot report"
  return 2
}

attempt=1
while :; do
  status=0
  post || status=$?
  [ "$status" -eq 0 ] && break
  [ "$status" -eq 2 ] && exit 1
  [ "$attempt" -lt "$tries" ] || { say "serve at $server did not take the report after $tries tries"; exit 1; }
  attempt=$((attempt + 1))
  sleep "$interval"
done
say "reported to $server: $host booted kernel $(uname -r)"
# Only under systemd (it sets INVOCATION_ID for services): a test run must not touch the machine's units.
if [ -n "${INVOCATION_ID:-}" ]; then systemctl disable rootcast-firstboot.service; fi

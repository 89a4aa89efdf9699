#!/usr/bin/env bash
# Installs the system tools rootcast and its tests drive (real rsync, sshd, ...), only when missing,
# so a warm machine pays nothing. Usage: setup-system.sh [--slow]   (--slow adds the QEMU tier's tools)
set -euo pipefail

need=()
want() { command -v "$1" >/dev/null 2>&1 || need+=("$2"); }
want rsync rsync
want sshd openssh-server
want ssh openssh-client
want ssh-keygen openssh-client
want setfacl acl
want getfattr attr
want setcap libcap2-bin
want mkfifo coreutils
want unshare util-linux
# ip: network namespaces for the tests (the identity tests give a root's own tools a card of their own).
want ip iproute2
want debootstrap debootstrap
# The dashboard test drives Debian's chromium (playwright-core, never a downloaded browser); status --watch runs in tmux.
want chromium chromium
want tmux tmux
# The preseed's installer-started report is tested with busybox's sh and nc, as d-i has them.
want busybox busybox
want mke2fs e2fsprogs
if [[ "${1:-}" == "--slow" ]]; then
  want qemu-system-x86_64 qemu-system-x86
  want qemu-img qemu-utils
  want cpio cpio
  want sfdisk fdisk
  want partx util-linux
  # The real debian-installer netboot kernel and initrd the d-i preseed test boots.
  [[ -f /usr/lib/debian-installer/images/12/amd64/text/debian-installer/amd64/initrd.gz ]] ||
    need+=(debian-installer-12-netboot-amd64)
fi

if ((${#need[@]} > 0)); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup-system: missing packages ${need[*]}; run this script as root" >&2
    exit 77
  fi
  echo "setup-system: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# sshd refuses to start without its privilege-separation directory.
mkdir -p /run/sshd
if [[ ! -d node_modules ]]; then
  npm ci --no-audit --no-fund
fi

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
# PXE (docs/pxe.md): the DHCP daemons and their config checkers, DHCP and TFTP clients, boot files.
# dnsmasq-base is the binary without the system service; tftp-hpa is only the client.
want dnsmasq dnsmasq-base
want dhcpd isc-dhcp-server
want kea-dhcp4 kea-dhcp4-server
want udhcpc udhcpc
want dhclient isc-dhcp-client
want tftp tftp-hpa
want curl curl
# BitTorrent fan-out (docs/fanout.md): payloads are tar.zst, the tests and the bench run real aria2c clients.
want zstd zstd
want aria2c aria2
have() { [[ -e "$1" ]] || need+=("$2"); }
have /usr/lib/PXELINUX/pxelinux.0 pxelinux
have /usr/lib/syslinux/modules/bios/ldlinux.c32 syslinux-common
have /usr/lib/ipxe/undionly.kpxe ipxe
have /usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed grub-efi-amd64-signed
have /usr/lib/shim/shimx64.efi.signed shim-signed
if [[ "${1:-}" == "--slow" ]]; then
  want qemu-system-x86_64 qemu-system-x86
  want qemu-img qemu-utils
  want cpio cpio
  want sfdisk fdisk
  want partx util-linux
  # Installed-system disks (test/helpers/installed-disk.ts): the ESP is formatted and filled in user space
  # (this kernel has no vfat); grub itself runs from inside the installed root, not from the host.
  want mkfs.vfat dosfstools
  want mcopy mtools
  want blkid util-linux
  # The real debian-installer netboot kernel and initrd the d-i preseed and PXE tests boot.
  have /usr/lib/debian-installer/images/12/amd64/text/debian-installer/amd64/initrd.gz debian-installer-12-netboot-amd64
  # UEFI firmware for the PXE boot test and the UEFI installed-disk check.
  have /usr/share/ovmf/OVMF.fd ovmf
fi

if ((${#need[@]} > 0)); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup-system: missing packages ${need[*]}; run this script as root" >&2
    exit 77
  fi
  echo "setup-system: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # DHCP server packages start their service on install: no DHCP server may ever run in the root
  # namespace (tests run them in network namespaces), so deny service starts while apt runs.
  policy=/usr/sbin/policy-rc.d
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # Where systemd runs, also keep them from starting at the next boot.
  if [[ -d /run/systemd/system ]]; then
    systemctl disable --now isc-dhcp-server kea-dhcp4-server >/dev/null 2>&1 || true
  fi
fi
# sshd refuses to start without its privilege-separation directory.
mkdir -p /run/sshd
if [[ ! -d node_modules ]]; then
  npm ci --no-audit --no-fund
fi

/**
 * Everything the PXE and DHCP templates under templates/pxe/ may use (docs/pxe.md). Absent values are
 * `''` or `false`, never missing: templates compile strict, so a misspelt field fails instead of vanishing.
 */

/** One boot entry: a known machine (by MAC) or the default for unknown machines. */
export interface PxeEntryContext {
  /** `web07 (52:54:00:12:34:56)` or `unknown machines`. */
  title: string;
  /** One line the loader prints first (the serial console shows it). */
  message: string;
  /** true: boot the installer; false: fall through to the local disk. */
  install: boolean;
  /** Boot-tree paths of the installer kernel and initrd (`installers/debian12/linux`); `''` for local boot. */
  kernel: string;
  initrd: string;
  /** The initrd's file name, which iPXE on UEFI needs on the command line. */
  initrdName: string;
  /** Kernel command line with the host's answer file URL by name (pxelinux, grub). */
  args: string;
  /** Kernel command line with the answer file URL by MAC, `${net0/mac}` filled in by iPXE. */
  ipxeArgs: string;
  /** serve's base URL, `http://10.0.0.1:8780`. */
  httpBase: string;
}

/** The dispatchers (grub.cfg, boot.ipxe) only need the server. */
export interface PxeDispatchContext {
  httpBase: string;
}

/** How DHCP recognises one client architecture and what it boots. */
export interface DhcpArchitectureContext {
  /** `bios`, `x64-uefi`, `arm64-uefi`. */
  name: string;
  /** dnsmasq tag. */
  tag: string;
  /** Option 93 values. */
  codes: number[];
  /** dnsmasq's client system names for proxy-DHCP `pxe-service`. */
  csa: string[];
  /** Boot file, relative to the TFTP root. */
  file: string;
  /** The name dnsmasq's `pxe-service` wants (it appends `.0` for BIOS clients). */
  proxyFile: string;
  /** ISC dhcpd condition. */
  iscTest: string;
  /** Kea client-class test. */
  keaTest: string;
}

export interface DhcpReservationContext {
  /** Unique per config (`web01`, `web01-2` for a second MAC). */
  key: string;
  name: string;
  mac: string;
  /** The host's address for its first MAC; `''` otherwise (it gets a pool address). */
  ip: string;
}

export interface DhcpConfigContext {
  proxy: boolean;
  /** `''`: every interface. */
  interface: string;
  /** dnsmasq's lease file; `''` for the generated configs of `rootcast dhcp config`. */
  leaseFile: string;
  network: { name: string; subnet: string; address: string; netmask: string; prefix: number; gateway: string; dnsList: string; domain: string };
  pool: { start: string; end: string } | false;
  leaseSeconds: number;
  /** next-server: where TFTP is. */
  serverAddress: string;
  serverUrl: string;
  serverOption: { code: number; name: string };
  reservations: DhcpReservationContext[];
  architectures: DhcpArchitectureContext[];
  /** The iPXE script's URL when iPXE clients get it; `''` otherwise. */
  ipxeScript: string;
  /** dnsmasq serves TFTP from this root; false when serve's own TFTP does. */
  tftp: { root: string } | false;
}

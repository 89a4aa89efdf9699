import type { PxeArchitecture, PxeDef } from '../inventory/types.js';

/** A file the boot tree copies from an installed Debian package. */
export interface LoaderFile {
  /** Path inside the boot tree (the TFTP root). */
  tree: string;
  /** Where the package installs it. */
  source: string;
  /** The Debian package that provides it (named in the error when it is missing). */
  package: string;
}

/** What one architecture boots with one loader: the first file is the one DHCP names. */
export interface ArchitectureLoader {
  files: LoaderFile[];
}

export type PxeLoader = PxeDef['loader'];

const pxelinux: LoaderFile = { tree: 'pxelinux.0', source: '/usr/lib/PXELINUX/pxelinux.0', package: 'pxelinux' };
const ldlinux: LoaderFile = { tree: 'ldlinux.c32', source: '/usr/lib/syslinux/modules/bios/ldlinux.c32', package: 'syslinux-common' };
const shimX64: LoaderFile = { tree: 'shimx64.efi', source: '/usr/lib/shim/shimx64.efi.signed', package: 'shim-signed' };
// shim loads grubx64.efi (and mmx64.efi when verification fails) from its own directory.
const grubX64: LoaderFile = { tree: 'grubx64.efi', source: '/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed', package: 'grub-efi-amd64-signed' };
const mokX64: LoaderFile = { tree: 'mmx64.efi', source: '/usr/lib/shim/mmx64.efi.signed', package: 'shim-signed' };
const shimAa64: LoaderFile = { tree: 'shimaa64.efi', source: '/usr/lib/shim/shimaa64.efi.signed', package: 'shim-signed:arm64' };
const grubAa64: LoaderFile = { tree: 'grubaa64.efi', source: '/usr/lib/grub/arm64-efi-signed/grubnetaa64.efi.signed', package: 'grub-efi-arm64-signed' };
const undionly: LoaderFile = { tree: 'undionly.kpxe', source: '/usr/lib/ipxe/undionly.kpxe', package: 'ipxe' };
// dnsmasq's proxy-DHCP pxe-service appends ".0" to BIOS boot file names.
const undionlyZero: LoaderFile = { tree: 'undionly.0', source: '/usr/lib/ipxe/undionly.kpxe', package: 'ipxe' };
const ipxeEfi: LoaderFile = { tree: 'ipxe.efi', source: '/usr/lib/ipxe/ipxe.efi', package: 'ipxe' };
const ipxeAa64: LoaderFile = { tree: 'ipxe-arm64.efi', source: '/usr/lib/ipxe/arm64-efi/ipxe.efi', package: 'ipxe (an arm64 build)' };

/** Every loader file for each loader and architecture (Debian 12 paths). */
export const loaderFiles: Record<PxeLoader, Record<PxeArchitecture, ArchitectureLoader>> = {
  native: {
    bios: { files: [pxelinux, ldlinux] },
    'x64-uefi': { files: [shimX64, grubX64, mokX64] },
    'arm64-uefi': { files: [shimAa64, grubAa64] },
  },
  ipxe: {
    bios: { files: [undionly, undionlyZero] },
    'x64-uefi': { files: [ipxeEfi] },
    'arm64-uefi': { files: [ipxeAa64] },
  },
};

/** The file DHCP hands a client of this architecture. */
export const bootFileFor = (loader: PxeLoader, architecture: PxeArchitecture): string => loaderFiles[loader][architecture].files[0]?.tree ?? '';

/** DHCP's view of each architecture: option 93 codes (RFC 4578 and IANA) and dnsmasq's names for them. */
export const architectureCodes: Record<PxeArchitecture, { codes: number[]; csa: string[] }> = {
  bios: { codes: [0], csa: ['x86PC'] },
  // 7 is what x64 UEFI firmware sends (IANA: EFI x86-64); 9 is what some older firmware sends.
  'x64-uefi': { codes: [7, 9], csa: ['BC_EFI', 'X86-64_EFI'] },
  'arm64-uefi': { codes: [11], csa: ['ARM64_EFI'] },
};

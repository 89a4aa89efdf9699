import { normaliseMac } from '../inventory/mac.js';
import type { NicConfig } from './identity-input.js';

/** `52:54:00:00:00:01` → `525400000001`. */
export const macHex = (mac: string): string => canonicalMac(mac).replaceAll(':', '');

/** Lowercase colon form; the input was validated, so a bad MAC passes through unchanged. */
export const canonicalMac = (mac: string): string => {
  const parsed = normaliseMac(mac);
  return parsed.ok ? parsed.mac : mac;
};

/** The name systemd's `mac` naming policy gives a card (`enx525400000001`): stable, and outside the kernel's eth* names. */
export const macDerivedName = (mac: string): string => `enx${macHex(mac)}`;

/** Part of file names and profile ids: the card's name, its MAC-derived name, or `ethernet` for any card. */
export const nicLabel = (nic: NicConfig): string => nic.name ?? (nic.mac === undefined ? 'ethernet' : macDerivedName(nic.mac));

/** Header comment lines every written config starts with. */
export const writtenBy = (hostname: string): string => `Written by rootcast for ${hostname}; see docs/identity.md. Changes here are replaced on the next deploy.`;

export type MacParse = { ok: true; mac: string } | { ok: false; problem: string };

const separated = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/;
const ciscoDotted = /^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/;
const bare = /^[0-9a-f]{12}$/;

/**
 * Normalises `52-54-00-AB-CD-EF`, `5254.00ab.cdef`, `525400ABCDEF` to `52:54:00:ab:cd:ef`.
 * Multicast and all-zero addresses are refused: no network card has one, so they are typos.
 */
export const normaliseMac = (text: string): MacParse => {
  const lower = text.trim().toLowerCase();
  if (!separated.test(lower) && !ciscoDotted.test(lower) && !bare.test(lower)) {
    return { ok: false, problem: `"${text}" is not a MAC address` };
  }
  const hex = lower.replace(/[:.-]/g, '');
  const mac = (hex.match(/../g) ?? []).join(':');
  if (Number.parseInt(hex.slice(0, 2), 16) % 2 === 1) {
    return { ok: false, problem: `"${text}" is a multicast address, not a network card's (the first octet is odd)` };
  }
  if (/^0+$/.test(hex)) return { ok: false, problem: `"${text}" is the all-zero MAC address` };
  return { ok: true, mac };
};

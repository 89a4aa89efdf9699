import { RootcastError } from '../errors/rootcast-error.js';
import { normaliseMac } from '../inventory/mac.js';

/** One lease as a DHCP server recorded it. */
export interface Lease {
  mac: string;
  ip: string;
  /** When the lease began (seconds since the epoch): the order machines booted in. */
  startedAt: number;
}

export type LeaseFormat = 'dnsmasq' | 'isc' | 'kea';

const mac = (text: string | undefined): string | undefined => {
  const parsed = text === undefined ? undefined : normaliseMac(text);
  return parsed?.ok === true ? parsed.mac : undefined;
};

/** `EXPIRY MAC IP NAME CLIENT-ID`: every lease has the same length, so expiry order is start order. */
const parseDnsmasq = (text: string): Lease[] =>
  text.split('\n').flatMap((line) => {
    const [expiry, hardware, ip] = line.trim().split(/\s+/);
    const found = mac(hardware);
    return found === undefined || ip === undefined || !/^\d+$/.test(expiry ?? '') ? [] : [{ mac: found, ip, startedAt: Number(expiry) }];
  });

/** `lease IP { starts W YYYY/MM/DD HH:MM:SS; hardware ethernet MAC; }` (times are UTC), or `starts epoch N;`. */
const parseIsc = (text: string): Lease[] =>
  [...text.matchAll(/^lease\s+(\S+)\s*\{([^}]*)\}/gm)].flatMap((match) => {
    const body = match[2] ?? '';
    const found = mac(/hardware ethernet\s+([0-9a-fA-F:]+)\s*;/.exec(body)?.[1]);
    const epoch = /starts\s+epoch\s+(\d+)\s*;/.exec(body)?.[1];
    const dated = /starts\s+\d\s+(\d{4})\/(\d{2})\/(\d{2})\s+(\d{2}):(\d{2}):(\d{2})\s*;/.exec(body);
    const startedAt = epoch !== undefined ? Number(epoch) : dated === null ? undefined : Date.UTC(Number(dated[1]), Number(dated[2]) - 1, Number(dated[3]), Number(dated[4]), Number(dated[5]), Number(dated[6])) / 1000;
    return found === undefined || startedAt === undefined ? [] : [{ mac: found, ip: match[1] as string, startedAt }];
  });

/** Kea's memfile CSV: `address,hwaddr,client_id,valid_lifetime,expire,...`; start = expire − lifetime. */
const parseKea = (text: string): Lease[] => {
  const [header = '', ...rows] = text.split('\n');
  const columns = header.split(',');
  const at = (name: string): number => columns.indexOf(name);
  return rows.flatMap((row) => {
    const cells = row.split(',');
    const found = mac(cells[at('hwaddr')]);
    const expire = Number(cells[at('expire')]);
    const lifetime = Number(cells[at('valid_lifetime')]);
    const ip = cells[at('address')];
    return found === undefined || ip === undefined || !Number.isFinite(expire - lifetime) ? [] : [{ mac: found, ip, startedAt: expire - lifetime }];
  });
};

export const detectLeaseFormat = (text: string): LeaseFormat | undefined => {
  if (/^address,hwaddr,/m.test(text)) return 'kea';
  if (/^lease\s+\S+\s*\{/m.test(text)) return 'isc';
  if (/^\d+\s+[0-9a-fA-F:]{17}\s+\S+/m.test(text)) return 'dnsmasq';
  return undefined;
};

const parsers: Record<LeaseFormat, (text: string) => Lease[]> = { dnsmasq: parseDnsmasq, isc: parseIsc, kea: parseKea };

/**
 * Every MAC in a leases file once, at its first lease, oldest first: the order the machines booted in
 * (pure). The format is recognised from the text: dnsmasq, ISC dhcpd.leases or Kea's memfile CSV.
 */
export const parseLeases = (text: string, file: string): { format: LeaseFormat; leases: Lease[] } => {
  const format = detectLeaseFormat(text);
  if (format === undefined) {
    throw new RootcastError('INVALID_DATA', `${file} is not a leases file rootcast reads`, { hint: 'give a dnsmasq leases file, ISC dhcpd.leases or Kea\'s kea-leases4.csv' });
  }
  const first = new Map<string, Lease>();
  for (const lease of parsers[format](text).sort((a, b) => a.startedAt - b.startedAt)) {
    if (!first.has(lease.mac)) first.set(lease.mac, lease);
  }
  return { format, leases: [...first.values()] };
};

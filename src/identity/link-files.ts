import { formatIni } from './ini-file.js';
import type { FileOp, NicConfig } from './identity-input.js';
import { canonicalMac, writtenBy } from './nic-naming.js';

export const networkdDir = 'etc/systemd/network';

export const linkFilePath = (name: string): string => `${networkdDir}/10-rootcast-${name}.link`;

/**
 * A systemd `.link` file naming the card with `mac` `name` at udev time, whatever stack configures
 * it afterwards. `10-` sorts before the vendor's `99-default.link`; the first matching file wins.
 * Only `MACAddress=`: older udev reads `Type=` differently and `PermanentMACAddress=` is unknown there.
 */
export const renderLinkFile = (hostname: string, mac: string, name: string): FileOp => ({
  op: 'write',
  path: linkFilePath(name),
  content: formatIni([writtenBy(hostname), `Names the card ${canonicalMac(mac)} ${name}.`], [
    { name: 'Match', entries: [['MACAddress', canonicalMac(mac)]] },
    { name: 'Link', entries: [['Name', name]] },
  ]),
  mode: 0o644,
  why: `name the card ${canonicalMac(mac)} ${name}`,
});

/** The `.link` files a set of cards needs: each card with a MAC that must have a given name. */
export const renderLinkFiles = (hostname: string, nics: readonly NicConfig[], nameOf: (nic: NicConfig) => string | undefined): FileOp[] =>
  nics.flatMap((nic) => {
    const name = nameOf(nic);
    return nic.mac === undefined || name === undefined ? [] : [renderLinkFile(hostname, nic.mac, name)];
  });

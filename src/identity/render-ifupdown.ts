import type { FileOp, NicConfig } from './identity-input.js';
import { ifupdownFilePath, sourcesRootcastFile, interfacesPath } from './interfaces-file.js';
import { linkFilePath, renderLinkFiles } from './link-files.js';
import { canonicalMac, macDerivedName, writtenBy } from './nic-naming.js';

/**
 * ifupdown knows cards only by name. A card with a MAC is named by a `.link` file: the inventory's
 * `identity.interface`, else the name systemd's `mac` policy would give (`enx525400000001`).
 */
export const ifupdownName = (nic: NicConfig): string | undefined => nic.name ?? (nic.mac === undefined ? undefined : macDerivedName(nic.mac));

const stanza = (nic: NicConfig, name: string): string[] => {
  const ipv4 = nic.ipv4;
  const options =
    ipv4.method === 'static'
      ? [`address ${ipv4.address}/${ipv4.prefix}`, `gateway ${ipv4.gateway}`, ...(nic.mtu === undefined ? [] : [`mtu ${nic.mtu}`])]
      : // The dhcp method has no mtu option; the link gets it before the DHCP client starts.
        nic.mtu === undefined ? [] : [`pre-up ip link set dev $IFACE mtu ${nic.mtu}`];
  const dns = [
    ...(nic.dns.length === 0 ? [] : [`dns-nameservers ${nic.dns.join(' ')}`]),
    ...(nic.searchDomains.length === 0 ? [] : [`dns-search ${nic.searchDomains.join(' ')}`]),
  ];
  const named = nic.mac === undefined ? [] : [`# The card ${canonicalMac(nic.mac)} is named ${name} by /${linkFilePath(name)}.`];
  // allow-hotplug, as debian-installer writes: udev brings the card up once it exists under its new name.
  return [...named, `allow-hotplug ${name}`, `iface ${name} inet ${ipv4.method}`, ...[...options, ...dns].map((line) => `    ${line}`)];
};

/**
 * The host's stanzas in `interfaces.d/rootcast`, the `.link` files naming its cards, and a `source`
 * line in `interfaces` when it does not read that file yet. `interfaces` is the image's text after
 * stale stanzas were dropped.
 */
export const renderIfupdown = (hostname: string, nics: readonly NicConfig[], interfaces: string): FileOp[] => {
  const blocks = nics.map((nic) => stanza(nic, ifupdownName(nic) ?? '').join('\n'));
  const ops: FileOp[] = [
    { op: 'write', path: ifupdownFilePath, content: `# ${writtenBy(hostname)}\n\n${blocks.join('\n\n')}\n`, mode: 0o644, why: 'ifupdown configuration' },
    ...renderLinkFiles(hostname, nics, ifupdownName),
  ];
  if (!sourcesRootcastFile(interfaces)) {
    const content = `${interfaces.replace(/\n*$/, '\n')}\n# Added by rootcast: the host's own network configuration.\nsource /${ifupdownFilePath}\n`;
    ops.push({ op: 'write', path: interfacesPath, content, mode: 0o644, why: `read /${ifupdownFilePath}` });
  }
  return ops;
};

import type { CommandSpec } from './syntax-types.js';
import { choice, classes, everywhere, flag, rules, sinceRhel9, value, yesNo } from './value-rules.js';

const none = { min: 0, max: 0, describe: 'no arguments' };
// RHEL 10 deprecates the team options (pykickstart PR #483/#484, RHEL10_Network).
const team = { deprecated: ['rhel10'], instead: '--bondslaves/--bondopts (bonding)' } as const;
// The DNS search options came with RHEL9_Network and F39_Network.
const dnsOptions = { only: sinceRhel9 };

/** Network configuration of the installer and the installed system, and its firewall. */
export const networkCommands: Readonly<Record<string, CommandSpec>> = {
  firewall: {
    classes: everywhere('F28_Firewall'),
    options: {
      '--enabled': flag(), '--enable': flag(), '--disabled': flag(), '--disable': flag(),
      '--service': value(rules.list), '--port': value(rules.list), '--trust': value(rules.word),
      '--remove-service': value(rules.list), '--use-system-defaults': flag(),
      '--ssh': flag(), '--smtp': flag(), '--http': flag(), '--ftp': flag(),
    },
    args: none,
  },
  network: {
    classes: classes('F27_Network', 'RHEL9_Network', 'RHEL10_Network', 'F39_Network', 'F39_Network'),
    options: {
      // FC3 dhcp/bootp/static, F9 query, F16 ibft.
      '--bootproto': choice(['dhcp', 'bootp', 'static', 'query', 'ibft']),
      '--device': value(rules.word), '--ip': value(rules.ipv4), '--ipv6': value(rules.word), '--gateway': value(rules.ipv4),
      '--ipv6gateway': value(rules.ip), '--nameserver': value(rules.ipList), '--netmask': value(rules.netmask),
      '--hostname': value(rules.hostname), '--onboot': choice(yesNo, { ignoreCase: true }), '--activate': flag(), '--no-activate': flag(),
      '--nodns': flag(), '--nodefroute': flag(), '--noipv4': flag(), '--noipv6': flag(), '--mtu': value(rules.number),
      '--ethtool': value(), '--essid': value(), '--wepkey': value(), '--wpakey': value(), '--dhcpclass': value(rules.word),
      '--notksdevice': flag(), '--vlanid': value(rules.number), '--interfacename': value(rules.word),
      '--bondslaves': value(rules.list), '--bondopts': value(), '--bridgeslaves': value(rules.list), '--bridgeopts': value(),
      '--teamslaves': value(undefined, team), '--teamconfig': value(undefined, team), '--bindto': choice(['mac']),
      '--ipv4-dns-search': value(rules.list, dnsOptions), '--ipv6-dns-search': value(rules.list, dnsOptions),
      '--ipv4-ignore-auto-dns': flag(dnsOptions), '--ipv6-ignore-auto-dns': flag(dnsOptions),
    },
    args: none,
    repeatable: true,
    refine: (line) =>
      line.options.get('--bootproto') === 'static' && !line.options.has('--ip') && !line.options.has('--ipv6')
        ? '--bootproto=static needs --ip (or --ipv6)'
        : undefined,
  },
};

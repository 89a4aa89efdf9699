import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../../src/inventory/issue.js';
import { monitorSettingsOf } from '../../../src/inventory/monitor-settings.js';
import { validateInventoryText } from '../../../src/inventory/validate.js';

/** Validation output as the CLI prints it, one line per issue. */
const check = (text: string, storeImages: string[] = []): { errors: string[]; warnings: string[] } => {
  const result = validateInventoryText(text, { storeImages });
  return { errors: result.errors.map(formatIssue), warnings: result.warnings.map(formatIssue) };
};

const lines = (...rows: string[]): string => `${rows.join('\n')}\n`;

const base = lines(
  'networks:',
  '  lab: {subnet: 10.0.0.0/24, gateway: 10.0.0.1, dns: [10.0.0.1], domain: lab.example}',
  'images:',
  '  web: {description: "nginx front ends"}',
  'groups:',
  '  web: {image: web, network: lab, vars: {role: web}}',
);

describe('validateInventoryText', () => {
  it('accepts a good inventory, normalising MACs (unquoted too) and expanding ranges', () => {
    const text = base + lines('hosts:', '  web01: {mac: 52-54-00-AB-CD-EF, ip: 10.0.0.11, groups: [web]}', '  "web[02-03]": {ip: 10.0.0.12, groups: [web]}', '  db01:');
    const result = validateInventoryText(text, { storeImages: ['db'] });
    expect(result.errors).toEqual([]);
    expect(result.inventory.hosts.map((host) => [host.name, host.ip, host.macs])).toEqual([
      ['web01', '10.0.0.11', ['52:54:00:ab:cd:ef']],
      ['web02', '10.0.0.12', []],
      ['web03', '10.0.0.13', []],
      ['db01', undefined, []],
    ]);
    // A host without an image is valid here; inventory check refuses it (test/unit/fleet-check/image-check.test.ts).
    expect(result.warnings).toEqual([]);
  });

  it('treats an empty file and empty sections as an empty inventory', () => {
    expect(check('')).toEqual({ errors: [], warnings: [] });
    expect(check('# only a comment\n')).toEqual({ errors: [], warnings: [] });
    expect(check('hosts:\ngroups:\n')).toEqual({ errors: [], warnings: [] });
  });

  it('reports a bad MAC with its path and line (the STYLE.md example)', () => {
    const text = base + lines('hosts:', '  web07:', '    ip: 10.0.0.17', '    mac: "52:54:00:zz"', '    groups: [web]');
    expect(check(text).errors).toEqual(['hosts.web07.mac (line 10): "52:54:00:zz" is not a MAC address']);
  });

  it('reports every error at once, sorted by line', () => {
    const text = lines(
      'networks:',
      '  lab: {subnet: 10.0.0.5/24}',
      '  bare:',
      'groups:',
      '  web: {image: nope@3, netwrk: lab}',
      '  db: {image: "Bad Name"}',
      'hosts:',
      '  web01: {mac: 525400000001, ip: 10.0.0.300, groups: [web, ghost]}',
      '  web02: {macs: [52:54:00:00:00:02, "01:00:5e:00:00:01"], ip: 10.0.0]',
    );
    expect(check(text).errors).toEqual([
      // A YAML syntax error stops everything else: the rest cannot be trusted.
      expect.stringMatching(/^line 9: YAML: /),
    ]);
    const fixed = text.replace('ip: 10.0.0]', 'ip: 10.0.0}');
    expect(check(fixed).errors).toEqual([
      'networks.lab.subnet (line 2): "10.0.0.5/24" has host bits set; did you mean 10.0.0.0/24?',
      'networks.bare.subnet (line 3): is required',
      'groups.web.netwrk (line 5): unknown key "netwrk" (did you mean "network"?)',
      'groups.db.image (line 6): image name "Bad Name" must be 1-63 characters of a-z, 0-9, ".", "_", "-", starting with a letter or digit',
      'hosts.web01.mac (line 8): expected a string, got number 525400000001; quote it',
      'hosts.web02.macs[1] (line 9): "01:00:5e:00:00:01" is a multicast address, not a network card\'s (the first octet is odd)',
      'hosts.web02.ip (line 9): "10.0.0" is not an IPv4 address',
    ]);
  });

  it('reports unknown keys at every level with a suggestion', () => {
    const text = lines('hostz:', '  a: {}', 'hosts:', '  web01:', '    ipaddr: 10.0.0.1', '    colour: red');
    expect(check(text).errors).toEqual([
      'hostz (line 1): unknown key "hostz" (did you mean "hosts"?)',
    ]);
    expect(check(lines('hosts:', '  web01:', '    ipaddr: 10.0.0.1', '    colour: red')).errors).toEqual([
      'hosts.web01.ipaddr (line 3): unknown key "ipaddr" (known keys: mac, macs, ip, image, network, groups, vars, install, identity, description)',
      'hosts.web01.colour (line 4): unknown key "colour" (known keys: mac, macs, ip, image, network, groups, vars, install, identity, description)',
    ]);
  });

  it('reports unknown groups, networks and images; store images count as known', () => {
    const text = lines('hosts:', '  web01: {image: web@3, network: wan, groups: [ghost]}', '  db01: {image: db@stable}');
    expect(check(text, ['db']).errors).toEqual([
      'hosts.web01.groups[0] (line 2): group "ghost" is not defined under "groups:"',
      'hosts.web01.network (line 2): network "wan" is not defined under "networks:"',
      'hosts.web01.image (line 2): image "web" is neither declared under "images:" nor present in the image store (capture it, or declare it under "images:")',
    ]);
  });

  it('names both entries of a duplicate name produced by overlapping ranges', () => {
    const text = base + lines('hosts:', '  "web[01-05]": {groups: [web]}', '  web03: {groups: [web]}', '  "web[04-09]": {groups: [web]}');
    expect(check(text).errors).toEqual([
      'hosts.web03 (line 9): host "web03" is also defined by hosts.web[01-05] (line 8)',
      'hosts.web[04-09] (line 10): host "web04" and 1 more from this range are also defined by hosts.web[01-05] (line 8)',
    ]);
  });

  it('names both entries of duplicate IPs and MACs', () => {
    const text = base + lines(
      'hosts:',
      '  web01: {mac: "52:54:00:00:00:01", ip: 10.0.0.11, groups: [web]}',
      '  web02: {mac: 52-54-00-00-00-01, ip: 10.0.0.11, groups: [web]}',
      '  "web[10-12]": {ip: 10.0.0.10, groups: [web]}',
    );
    expect(check(text).errors).toEqual([
      'hosts.web02.ip (line 9): 10.0.0.11 (host web02) is also the address of web01 at hosts.web01 (line 8)',
      'hosts.web02.mac (line 9): 52:54:00:00:00:01 (host web02) is also the MAC of web01 at hosts.web01 (line 8)',
      'hosts.web[10-12].ip (line 10): 10.0.0.11 (host web11) is also the address of web01 at hosts.web01 (line 8)',
    ]);
  });

  it('checks addresses against the effective network: outside, broadcast, gateway', () => {
    const text = base + lines(
      'hosts:',
      '  web01: {ip: 10.0.1.5, groups: [web]}',
      '  web02: {ip: 10.0.0.1, groups: [web]}',
      '  "web[10-12]": {ip: 10.0.0.254, groups: [web]}',
      '  lone: {ip: 192.168.9.9, image: web}',
    );
    expect(check(text).errors).toEqual([
      'hosts.web01.ip (line 8): 10.0.1.5 is outside the subnet 10.0.0.0/24 (network lab from group web)',
      'hosts.web02.ip (line 9): 10.0.0.1 is the gateway of network lab from group web',
      'hosts.web[10-12].ip (line 10): host web11: 10.0.0.255 is the broadcast address of 10.0.0.0/24 (network lab from group web)',
    ]);
  });

  it('refuses MACs on a range and mac with macs', () => {
    const text = base + lines('hosts:', '  "web[01-02]": {mac: "52:54:00:00:00:01", groups: [web]}', '  db01: {mac: "52:54:00:00:00:02", macs: ["52:54:00:00:00:03"], image: web}');
    expect(check(text).errors).toEqual([
      'hosts.web[01-02].mac (line 8): a range of 2 hosts cannot share MAC addresses; give each host its own entry',
      'hosts.db01.macs (line 9): set either "mac" or "macs", not both',
    ]);
  });

  it('reports bad range keys and bad host names on the key line', () => {
    const text = base + lines('hosts:', '  "web[5-1]": {}', '  "web[01-": {}', '  Web01: {}', '  "n[1-20000]": {}');
    expect(check(text).errors).toEqual([
      'hosts.web[5-1] (line 8): "web[5-1]": range [5-1] runs backwards (5 > 1)',
      'hosts.web[01- (line 9): "web[01-": has "[" without a closing "]"',
      'hosts.Web01 (line 10): host name "Web01" is not a DNS label (a-z, 0-9 and "-", not starting or ending with "-")',
      'hosts.n[1-20000] (line 11): "n[1-20000]" expands to 20000 hosts; at most 10000 are allowed',
    ]);
  });

  it('reports a non-map top level', () => {
    expect(check(lines('- a', '- b')).errors).toEqual(['line 1: expected a map, got a list']);
  });

  it('reports duplicate keys at any depth among the other errors, each with its line, the later value counting', () => {
    const text = lines(
      'groups:',
      '  web: {image: web}',
      '  web: {image: web, vars: {a: 1, a: 2}}',
      'hosts:',
      '  web01: {groups: [web], mac: "52:54:00:zz"}',
      '  db01: {ip: 10.0.0.1, image: web}',
      '  web01: {groups: [web], ip: 10.0.0.300}',
    );
    const result = validateInventoryText(text, { storeImages: ['web'] });
    expect(result.errors.map(formatIssue)).toEqual([
      'groups.web (line 3): duplicate key "web" (also at line 2): YAML keys must be unique; only this later one would count, so merge or rename the two',
      'groups.web.vars.a (line 3): duplicate key "a" (also at line 3): YAML keys must be unique; only this later one would count, so merge or rename the two',
      'hosts.web01 (line 7): duplicate key "web01" (also at line 5): YAML keys must be unique; only this later one would count, so merge or rename the two',
      'hosts.web01.ip (line 7): "10.0.0.300" is not an IPv4 address (octet 300 is above 255)',
    ]);
    expect(result.inventory.groups['web']?.vars).toEqual({ a: 2 });
  });

  it('rejects control characters in any key or string that reaches a file, with the path', () => {
    const text = lines(
      'groups:',
      '  web: {image: web, description: "front\\tends", vars: {motd: "hello\\nworld", list: [ok, "bad\\u007f"]}}',
      'install: {timezone: "Etc/UTC\\r"}',
      'hosts:',
      '  db01:',
      '    image: web',
      '    description: |',
      '      two',
      '      lines',
      '    vars: {"a\\u0001b": 1}',
    );
    expect(check(text, ['web']).errors).toEqual([
      expect.stringMatching(/^groups\.web\.description \(line 2\): contains a control character \(tab, U\+0009\)/),
      expect.stringMatching(/^groups\.web\.vars\.motd \(line 2\): contains a control character \(line feed, U\+000A\)/),
      expect.stringMatching(/^groups\.web\.vars\.list\[1\] \(line 2\): contains a control character \(delete, U\+007F\)/),
      expect.stringMatching(/^install\.timezone \(line 3\): contains a control character \(carriage return, U\+000D\)/),
      expect.stringMatching(/^hosts\.db01\.description \(line 7\): contains a control character \(line feed/),
      expect.stringMatching(/^hosts\.db01\.vars\."a\\u0001b" \(line 10\): the key "a\\u0001b" contains a control character \(U\+0001\)/),
      expect.stringMatching(/^hosts\.db01\.vars\."a\\u0001b" \(line 10\): var name/),
    ]);
  });

  it('takes vars on an image like on a group: names checked, null and control characters refused, each with its path', () => {
    const good = validateInventoryText(lines('images:', '  web: {vars: {http_port: 80, motd: hi, ntp: [a, b]}}'), { storeImages: [] });
    expect(good.errors).toEqual([]);
    expect(good.inventory.images['web']?.vars).toEqual({ http_port: 80, motd: 'hi', ntp: ['a', 'b'] });
    expect(check(lines('images:', '  web: {vars: {motd: "one\\ntwo", 2bad: x}}')).errors).toEqual([
      expect.stringMatching(/^images\.web\.vars\.motd \(line 2\): contains a control character \(line feed, U\+000A\)/),
      'images.web.vars.2bad (line 2): var name "2bad" must be letters, digits and "_", not starting with a digit',
    ]);
    expect(check(lines('images:', '  web: {vars: {empty: null}}', '  db: {vars: [a]}')).errors).toEqual([
      'images.web.vars.empty (line 2): a var needs a value',
      'images.db.vars (line 3): expected a map, got a list',
    ]);
  });

  it('checks network fields and var names', () => {
    const text = lines(
      'networks:',
      '  lab:',
      '    subnet: 10.0.0.0/24',
      '    gateway: 10.0.1.1',
      '    dns: 10.0.0.500',
      '    domain: Lab_Example',
      'groups:',
      '  web: {vars: {"bad-name": 1, good: [1, 2]}}',
    );
    expect(check(text).errors).toEqual([
      'networks.lab.gateway (line 4): gateway 10.0.1.1 is outside the subnet 10.0.0.0/24',
      'networks.lab.dns (line 5): "10.0.0.500" is not an IPv4 address (octet 500 is above 255)',
      'networks.lab.domain (line 6): "Lab_Example" is not a DNS domain (lowercase labels of a-z, 0-9 and "-", separated by ".")',
      'groups.web.vars.bad-name (line 8): var name "bad-name" must be letters, digits and "_", not starting with a digit',
    ]);
  });

  it('checks serve\'s monitor settings: whole counts in range, durations of at least 10s, known keys; good ones become serve\'s units', () => {
    const bad = lines(
      'server:',
      '  url: http://10.0.0.1:8780',
      '  monitor:',
      '    keepInstalls: 0',
      '    hostLogMiB: 2.5',
      '    stalledAfter: 5s',
      '    installerStalledAfter: soon',
      '    stallAfter: 2m',
    );
    expect(check(bad).errors).toEqual([
      'server.monitor.keepInstalls (line 4): must be at least 1',
      'server.monitor.hostLogMiB (line 5): expected integer, got number 2.5',
      'server.monitor.stallAfter (line 8): unknown key "stallAfter" (did you mean "stalledAfter"?)',
    ]);
    const durations = lines('server:', '  url: http://10.0.0.1:8780', '  monitor: {stalledAfter: 5s, installerStalledAfter: soon}');
    expect(check(durations).errors).toEqual([
      'server.monitor.stalledAfter (line 3): "5s" is shorter than 10s: the runner reports every 2 s, so a healthy host would show as stalled',
      'server.monitor.installerStalledAfter (line 3): "soon" is not a duration like 90s, 30m, 24h or 7d',
    ]);
    const good = validateInventoryText(lines('server:', '  url: http://10.0.0.1:8780', '  monitor: {keepInstalls: 3, hostLogMiB: 16, stalledAfter: 5m, installerStalledAfter: 2h}'), { storeImages: [] });
    expect(good.errors).toEqual([]);
    expect(monitorSettingsOf(good.inventory)).toEqual({ retention: { keepInstalls: 3, maxHostBytes: 16 * 1024 * 1024 }, stall: { runnerMs: 300_000, installerMs: 7_200_000 } });
    expect(monitorSettingsOf({})).toEqual({ retention: {}, stall: {} });
  });

  it('never throws, whatever the input', () => {
    for (const text of ['{', ': :', '*x', '!!binary x', 'hosts: [1, 2]', 'hosts: {a: [1]}', 'a: *b', '!!set {a}', 'hosts: !!omap [a: 1]']) {
      expect(() => validateInventoryText(text)).not.toThrow();
      expect(validateInventoryText(text).errors.length).toBeGreaterThan(0);
    }
  });
});

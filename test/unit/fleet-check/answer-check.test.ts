import { beforeAll, describe, expect, it } from 'vitest';
import { loadAnswerAssets, type AnswerAssets } from '../../../src/answer/answer-assets.js';
import { answerFileIssues } from '../../../src/fleet-check/answer-check.js';
import { parseProblemPath, placeOfProblem } from '../../../src/fleet-check/answer-problem-place.js';
import { imageRefIssues, type RefResolution } from '../../../src/inventory/image-refs.js';
import { formatIssue } from '../../../src/inventory/issue.js';
import { resolveHosts } from '../../../src/inventory/resolve.js';
import { validateInventoryText } from '../../../src/inventory/validate.js';
import { parse } from 'yaml';

const lines = (...rows: string[]): string => `${rows.join('\n')}\n`;

let assets: AnswerAssets;
beforeAll(async () => {
  assets = await loadAnswerAssets();
});

const server = 'server: {url: "http://10.0.0.1:8780"}';

/** The answer-file issues of an inventory text, as `inventory check` prints them (lines from the text). */
const issuesOf = (text: string, refs: Record<string, RefResolution> = {}): { errors: string[]; warnings: string[] } => {
  const validation = validateInventoryText(text, { storeImages: ['web'] });
  expect(validation.errors).toEqual([]);
  const issues = answerFileIssues({ inventory: validation.inventory, root: parse(text) as unknown, assets, refs: new Map(Object.entries(refs)) });
  const located = issues.map(formatIssue);
  return {
    errors: located.filter((_, index) => issues[index]?.severity === 'error'),
    warnings: located.filter((_, index) => issues[index]?.severity === 'warning'),
  };
};

describe('answerFileIssues', () => {
  it('finds nothing when every host renders (static, DHCP, debian and rhel, no image yet)', () => {
    const text = lines(
      server,
      'install: {timezone: Europe/Berlin, sshAuthorizedKeys: "ssh-ed25519 AAAAC3Nza admin@example"}',
      'networks:',
      '  lab: {subnet: 10.0.0.0/24, gateway: 10.0.0.1, dns: [10.0.0.2], domain: lab.example}',
      'groups:',
      '  web: {image: web, network: lab, install: {distro: rocky9}}',
      'hosts:',
      '  web01: {mac: "52:54:00:00:00:01", ip: 10.0.0.11, groups: [web]}',
      '  db01: {image: web, install: {distro: debian12, partitioning: {mode: auto, disks: [sda]}}}',
      '  spare: {}',
    );
    expect(issuesOf(text)).toEqual({ errors: [], warnings: [] });
  });

  it('an image captured from Debian: an error where a RHEL distro is set, a warning where none is (preseed still fits)', () => {
    const debian = { kind: 'resolved' as const, ref: 'web@2', capturedFrom: { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)', idLike: [] } };
    const text = lines(
      server,
      'groups:',
      '  web: {image: web, install: {distro: rocky9}}',
      'hosts:',
      '  web01: {groups: [web]}',
      '  loose: {image: web}',
    );
    const { errors, warnings } = issuesOf(text, { web: debian });
    expect(errors).toEqual([expect.stringMatching(/groups\.web\.install\.distro.*image web@2 was captured from Debian GNU\/Linux 12 \(bookworm\) \(the debian family\), and rocky9 installs the rhel family.*use rootcast preseed.*web01/)]);
    expect(warnings).toEqual([expect.stringMatching(/loose.*and rhel9 installs the rhel family.*rootcast kickstart would fail with its default distro rhel9/)]);
    // The same image without a known origin, or from a RHEL-like system, fits the RHEL installer.
    expect(issuesOf(text, { web: { kind: 'resolved', ref: 'web@2' } })).toEqual({ errors: [], warnings: [] });
    expect(issuesOf(text, { web: { ...debian, capturedFrom: { id: 'rocky', idLike: ['rhel', 'centos', 'fedora'] } } }).errors).toEqual([]);
  });

  it('an inventory without hosts needs no server', () => {
    expect(issuesOf(lines('groups:', '  web: {image: web}'))).toEqual({ errors: [], warnings: [] });
  });

  it('reports a missing server once, and still checks everything else', () => {
    const text = lines('install: {lang: "english"}', 'hosts:', '  "n[01-50]": {image: web}');
    expect(issuesOf(text).errors).toEqual([
      'server: not set; add  server: {url: "http://SERVER-ADDRESS:8780"}  (the address installing hosts reach rootcast serve at)',
      'install.lang: "english" is not a locale like en_US.UTF-8 (affects the answer files of n01, n02, n03 and 47 more)',
    ]);
  });

  it('puts each problem at the layer that set it: install default, image, group, range key, network, server', () => {
    const text = lines(
      'server: {url: "http://[fd00::1]:8780"}',
      'install: {keyboard: "U S"}',
      'networks:',
      '  lab: {subnet: 10.0.0.0/24, dns: [10.0.0.2]}',
      'images:',
      '  web: {install: {rootPasswordHash: plaintext}}',
      'groups:',
      '  eu: {install: {timezone: "Europe Paris"}}',
      'hosts:',
      '  "n[1-3]": {image: web, ip: 10.0.0.11, network: lab, groups: [eu], install: {sshAuthorizedKeys: [ok, "ssh-ed25519 AAAA x"]}}',
    );
    expect(issuesOf(text).errors).toEqual([
      'server.url: "http://[fd00::1]:8780" is not an http:// or https:// URL (affects the answer files of n1, n2, n3)',
      'networks.lab.gateway: a static network needs a gateway (affects the answer files of n1, n2, n3)',
      'groups.eu.install.timezone: "Europe Paris" is not an IANA time zone name like Europe/Berlin or Etc/UTC; did you mean Europe/Paris? (affects the answer files of n1, n2, n3)',
      'install.keyboard: "U S" is not a keymap name like us or de (affects the answer files of n1, n2, n3)',
      'images.web.install.rootPasswordHash: is not a crypt(3) hash like $6$salt$... (never a plain password) (affects the answer files of n1, n2, n3)',
      'hosts.n[1-3].install.sshAuthorizedKeys[0]: is not a one-line OpenSSH public key (type, base64, optional comment)',
    ]);
  });

  it('checks a declarative layout with its paths into the file', () => {
    const text = lines(
      server,
      'hosts:',
      '  db01:',
      '    image: web',
      '    install:',
      '      distro: rocky9',
      '      partitioning:',
      '        mode: layout',
      '        disks: [sda]',
      '        partitions:',
      '          - {size: 1GiB, fs: xfs, mount: /}',
      '          - {size: lots, fs: xfs, mount: /srv}',
    );
    expect(issuesOf(text).errors).toEqual([expect.stringMatching(/^hosts\.db01\.install\.partitioning\.partitions\[1\]\.size: /)]);
  });

  it('a problem only one installer has is an error with a distro, a warning without', () => {
    const extra = '{repos: {extra: [{name: x, baseurl: "http://x.example/"}]}';
    const text = lines(server, 'hosts:', `  d1: {image: web, install: ${extra}, distro: debian13}}`, `  any: {image: web, install: ${extra}}}`, `  r1: {image: web, install: ${extra}, distro: alma9}}`);
    expect(issuesOf(text)).toEqual({
      errors: ['hosts.d1.install.repos.extra: extra repositories are supported for kickstart distros only'],
      warnings: [
        'hosts.any.install.repos.extra: extra repositories are supported for kickstart distros only (rootcast preseed would fail with its default distro debian12; set install.distro to say which installer this host uses)',
      ],
    });
  });

  it('an unknown distro is reported where it is set, once for all the hosts using it', () => {
    const text = lines(server, 'groups:', '  g: {image: web, install: {distro: centos7}}', 'hosts:', '  "a[1-2]": {groups: [g]}', '  b1: {groups: [g]}');
    expect(issuesOf(text).errors).toEqual([expect.stringMatching(/^groups\.g\.install\.distro: unknown distro "centos7" \(known: .*\) \(affects the answer files of a1, a2, b1\)$/)]);
  });
});

describe('image references against the store', () => {
  it('an error at each entry that names a missing version or tag; uncaptured images are fine', () => {
    const text = lines('images:', '  db: {}', 'groups:', '  g: {image: web@9}', 'hosts:', '  "a[1-2]": {image: web@stable}', '  b1: {image: db@4}', '  c1: {image: web@1}');
    const { inventory } = validateInventoryText(text, { storeImages: ['web'] });
    const refs = new Map<string, RefResolution>([
      ['web@9', { kind: 'missing', problem: 'web@9 does not exist (versions of web: 1)' }],
      ['web@stable', { kind: 'missing', problem: 'image "web" has no tag "stable"' }],
      ['db@4', { kind: 'not-captured' }],
      ['web@1', { kind: 'resolved', ref: 'web@1' }],
    ]);
    expect(imageRefIssues(inventory, refs).map(formatIssue)).toEqual([
      'groups.g.image: web@9 does not exist (versions of web: 1)',
      'hosts.a[1-2].image: image "web" has no tag "stable"',
    ]);
  });
});

describe('placeOfProblem', () => {
  it('parses renderer paths', () => {
    expect(parseProblemPath('install.partitioning.partitions[2].size')).toEqual(['install', 'partitioning', 'partitions', 2, 'size']);
    expect(parseProblemPath('host.macs[0]')).toEqual(['host', 'macs', 0]);
    expect(parseProblemPath('')).toEqual([]);
  });

  it('maps host, network, image and unknown paths onto the inventory', () => {
    const text = lines('networks:', '  lab: {subnet: 10.0.0.0/24, gateway: 10.0.0.1, domain: lab.example}', 'groups:', '  g: {image: web, network: lab}', 'hosts:', '  h1: {ip: 10.0.0.5, groups: [g], macs: ["52:54:00:00:00:01", "52:54:00:00:00:02"]}');
    const { inventory } = validateInventoryText(text, { storeImages: ['web'] });
    const [host] = resolveHosts(inventory);
    if (host === undefined) throw new Error('no host');
    const root = parse(text) as unknown;
    expect(placeOfProblem('host.domain', host, root)).toEqual(['networks', 'lab', 'domain']);
    expect(placeOfProblem('host.macs[1]', host, root)).toEqual(['hosts', 'h1', 'macs']);
    expect(placeOfProblem('network.ip', host, root)).toEqual(['hosts', 'h1', 'ip']);
    // The network has no dns list in the file: the path stops where the file does.
    expect(placeOfProblem('network.dns[0]', host, root)).toEqual(['networks', 'lab', 'dns']);
    expect(placeOfProblem('network.gateway', host, root)).toEqual(['networks', 'lab', 'gateway']);
    expect(placeOfProblem('image.ref', host, root)).toEqual(['groups', 'g', 'image']);
    expect(placeOfProblem('install.token', host, root)).toEqual(['hosts', 'h1']);
    expect(placeOfProblem('something.else', host, root)).toEqual(['hosts', 'h1']);
  });
});

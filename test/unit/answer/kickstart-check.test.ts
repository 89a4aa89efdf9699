import { describe, expect, test } from 'vitest';
import { checkKickstart, formatKickstartProblem } from '../../../src/answer/kickstart-check/check-kickstart.js';
import type { KickstartDialect } from '../../../src/answer/kickstart-check/dialect.js';
import { tokenizeKickstartLine } from '../../../src/answer/kickstart-check/tokenize.js';

const valid = [
  'text', //                                                       1
  'reboot', //                                                     2
  'url --url=http://mirror.lan/rocky/9/BaseOS/x86_64/os/', //      3
  'lang en_US.UTF-8', //                                           4
  'keyboard --vckeymap=us --xlayouts=us', //                       5
  'timezone Etc/UTC --utc', //                                     6
  'network --device=52:54:00:12:34:56 --bootproto=static --ip=10.0.0.17 --netmask=255.255.255.0 --gateway=10.0.0.1 --hostname=web07', // 7
  'rootpw --lock', //                                              8
  'sshkey --username=root "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA admin@x"', // 9
  'zerombr', //                                                    10
  'clearpart --all --initlabel', //                                11
  'autopart --type=lvm --nohome', //                               12
  '', //                                                           13
  '%packages --exclude-weakdeps', //                               14
  '@core', //                                                      15
  'rsync', //                                                      16
  '%end', //                                                       17
  '%post --nochroot --erroronfail --log=/tmp/post.log', //         18
  'echo "anything goes in a script --bogus"', //                   19
  '%end', //                                                       20
];

/** The valid kickstart with line `line` (1-based) replaced, or lines inserted after it when `insert`. */
const edit = (line: number, replacement: string | string[], insert = false): string => {
  const lines = [...valid];
  lines.splice(insert ? line : line - 1, insert ? 0 : 1, ...(Array.isArray(replacement) ? replacement : [replacement]));
  return `${lines.join('\n')}\n`;
};

const problems = (text: string, dialect: KickstartDialect = 'rhel9'): string[] => checkKickstart(text, dialect).map(formatKickstartProblem);

describe('checkKickstart', () => {
  test('a valid kickstart has no problems on every release', () => {
    for (const dialect of ['rhel8', 'rhel9', 'rhel10', 'fedora42', 'fedora43'] as const) {
      expect(problems(`${valid.join('\n')}\n`, dialect)).toEqual([]);
    }
  });

  const broken: [string, string, string[], KickstartDialect?][] = [
    ['unknown command', edit(10, 'zerombrr'), ['line 10: unknown command "zerombrr"']],
    ['unknown option', edit(11, 'clearpart --all --initlable'), ['line 11: unknown option --initlable for "clearpart"']],
    ['missing value at end of line', edit(7, 'network --bootproto=dhcp --device'), ['line 7: option --device of "network" needs a value']],
    ['missing value before another option', edit(12, ['part / --size --grow --fstype=xfs'], false).replace('autopart --type=lvm --nohome', ''), ['line 12: option --size of "part" needs a value']],
    ['bad bootproto', edit(7, 'network --bootproto=dhcpp --device=link'), ['line 7: bad value "dhcpp" for --bootproto of "network" (expected one of: dhcp, bootp, ibft, static)']],
    ['%post without %end', `${valid.slice(0, 19).join('\n')}\n`, ['line 18: %post has no matching %end']],
    ['%packages runs into %post', edit(17, '# forgot the end'), ['line 14: %packages has no matching %end']],
    ['duplicate rootpw', edit(8, ['rootpw --iscrypted $6$abc$def'], true), ['line 9: "rootpw" may appear only once (first on line 8)']],
    ['option not valid on rhel8', edit(8, 'rootpw --lock --allow-ssh'), ['line 8: option --allow-ssh of "rootpw" is not supported on rhel8 (supported on: rhel9, rhel10, fedora42, fedora43)'], 'rhel8'],
    ['command not valid on rhel8', edit(6, ['timesource --ntp-server=ntp.lan'], true), ['line 7: command "timesource" is not supported on rhel8 (supported on: rhel9, rhel10, fedora42, fedora43)'], 'rhel8'],
    ['option removed after rhel9', edit(6, 'timezone Etc/UTC --utc --nontp'), ['line 6: option --nontp of "timezone" is not supported on rhel10 (supported on: rhel8, rhel9)'], 'rhel10'],
    ['btrfs autopart outside Fedora', edit(12, 'autopart --type=btrfs'), ['line 12: value "btrfs" for --type of "autopart" is not supported on rhel9 (supported on: fedora42, fedora43)']],
    ['flag given a value', edit(12, 'autopart --type=lvm --nohome=yes'), ['line 12: option --nohome of "autopart" takes no value']],
    ['bad size', edit(12, 'part / --size=10G --fstype=xfs'), ['line 12: bad value "10G" for --size of "part" (expected a whole number of MiB)']],
    ['part without mount point', edit(12, 'part --size=100'), ['line 12: "part" expects 1 argument (a mount point), got 0']],
    ['logvol missing required options', edit(12, ['part pv.01 --size=100 --grow', 'volgroup vg0 pv.01', 'logvol / --size=100']), ['line 14: "logvol" needs --vgname', 'line 14: "logvol" needs --name']],
    ['rootpw without password or --lock', edit(8, 'rootpw --iscrypted'), ['line 8: rootpw needs a password (or --lock)']],
    ['%end outside a section', edit(2, ['%end'], true), ['line 3: %end without an open section']],
    ['unknown section', edit(18, '%postt --nochroot'), ['line 18: unknown section "%postt"']],
    ['unknown section option', edit(18, '%post --nochroot --chroot'), ['line 18: unknown option --chroot for %post']],
    ['unterminated quote', edit(9, 'sshkey --username=root "ssh-ed25519 AAAA admin'), ['line 9: unterminated double quote']],
    ['autopart with manual partitions', edit(12, ['part / --size=1000 --grow'], true), ['line 12: "autopart" cannot be combined with "part" (line 13)']],
    ['two installation sources', edit(3, ['cdrom'], true), ['line 4: only one installation source is allowed ("url" on line 3)']],
    ['removed command', edit(1, ['install'], true), ['line 2: command "install" was removed (installation is the default); delete the line']],
    ['static network without --ip', edit(7, 'network --bootproto=static --device=link'), ['line 7: --bootproto=static needs --ip (or --ipv6)']],
    ['stray argument to a no-argument command', edit(10, 'zerombr now'), ['line 10: "zerombr" takes no arguments (got "now")']],
    ['bad locale argument', edit(4, 'lang English'), ['line 4: bad value "English" for "lang" (expected a locale like en_US.UTF-8)']],
    ['several problems are all reported, in line order', edit(10, 'zerombrr').replace('rootpw --lock', 'rootpw'), ['line 8: rootpw needs a password (or --lock)', 'line 10: unknown command "zerombrr"']],
  ];
  for (const [name, text, expected, dialect] of broken) {
    test(name, () => expect(problems(text, dialect)).toEqual(expected));
  }

  test('script bodies and package lists are never read as commands', () => {
    const text = edit(19, ['frobnicate --hard', 'rootpw again']);
    expect(problems(text)).toEqual([]);
  });

  test('a line named like an Object member is an unknown command, not a crash', () => {
    expect(problems(edit(10, 'constructor'))).toEqual(['line 10: unknown command "constructor"']);
  });
});

describe('tokenizeKickstartLine', () => {
  test('splits like a POSIX shell and stops at a comment word', () => {
    expect(tokenizeKickstartLine(`sshkey --username=root "ssh-ed25519 AAAA a\\"b" 'x y' z\\ w # note`)).toEqual({
      ok: true,
      tokens: ['sshkey', '--username=root', 'ssh-ed25519 AAAA a"b', 'x y', 'z w'],
    });
    expect(tokenizeKickstartLine('url --url=http://x/#frag')).toEqual({ ok: true, tokens: ['url', '--url=http://x/#frag'] });
  });
  test('reports an unterminated single quote', () => {
    expect(tokenizeKickstartLine("part / --label='root")).toEqual({ ok: false, problem: 'unterminated single quote' });
  });
});

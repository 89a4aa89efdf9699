import { describe, expect, test } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkKickstart, formatKickstartProblem, hasKickstartErrors } from '../../../src/answer/kickstart-check/check-kickstart.js';
import { commandTable, mirroredPykickstart } from '../../../src/answer/kickstart-check/command-table.js';
import { kickstartDialects, type KickstartDialect } from '../../../src/answer/kickstart-check/dialect.js';
import { sectionTable } from '../../../src/answer/kickstart-check/section-table.js';
import type { Availability } from '../../../src/answer/kickstart-check/syntax-types.js';
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
  '%packages --ignoremissing', //                                  14
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
/** The problems of one kickstart on every release, so a test shows both directions at once. */
const byRelease = (text: string): Record<KickstartDialect, string[]> =>
  Object.fromEntries(kickstartDialects.map((dialect) => [dialect, problems(text, dialect)])) as Record<KickstartDialect, string[]>;
const onlyOn = (expected: Partial<Record<KickstartDialect, string[]>>): Record<KickstartDialect, string[]> =>
  Object.fromEntries(kickstartDialects.map((dialect) => [dialect, expected[dialect] ?? []])) as Record<KickstartDialect, string[]>;

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
    ['bad bootproto', edit(7, 'network --bootproto=dhcpp --device=link'), ['line 7: bad value "dhcpp" for --bootproto of "network" (expected one of: dhcp, bootp, static, query, ibft)']],
    ['%post without %end', `${valid.slice(0, 19).join('\n')}\n`, ['line 18: %post has no matching %end']],
    ['%packages runs into %post', edit(17, '# forgot the end'), ['line 14: %packages has no matching %end']],
    ['duplicate rootpw', edit(8, ['rootpw --iscrypted $6$abc$def'], true), ['line 9: "rootpw" may appear only once (first on line 8)']],
    ['btrfs autopart outside Fedora (RHEL8_AutoPart)', edit(12, 'autopart --type=btrfs'), ['line 12: value "btrfs" for --type of "autopart" is not supported on rhel8 (supported on: fedora42, fedora43)'], 'rhel8'],
    ['btrfs partition outside Fedora (RHEL8_Partition)', edit(12, 'part / --fstype=btrfs --size=100'), ['line 12: value "btrfs" for --fstype of "part" is not supported on rhel8 (supported on: fedora42, fedora43)'], 'rhel8'],
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
    ['command no handler maps any more', edit(1, ['upgrade'], true), ['line 2: command "upgrade" was removed in F29 (use a fresh install)']],
    ['%packages --default with --nocore', edit(14, '%packages --default --nocore'), ['line 14: --default and --nocore cannot be used together']],
    ['cmdline --non-interactive', edit(1, 'cmdline --non-interactive'), ['line 1: "cmdline" does not support --non-interactive']],
    ['url with two sources', edit(3, 'url --url=http://a/ --mirrorlist=http://b/'), ['line 3: only one of --url, --mirrorlist may be given to "url"']],
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

// Each expectation below was checked against pykickstart's handlers and command classes (or the
// pull request that changed them, where named); see mirroredPykickstart in command-table.ts.
describe('checkKickstart per release', () => {
  const fromRhel9 = 'rhel9, rhel10, fedora42, fedora43';

  test('%packages --exclude-weakdeps is too new for RHEL 8 (dashed spellings start at F32, PR #400)', () => {
    expect(byRelease(edit(14, '%packages --exclude-weakdeps'))).toEqual(
      onlyOn({ rhel8: [`line 14: option --exclude-weakdeps of %packages is not supported on rhel8 (supported on: ${fromRhel9}); use --excludeWeakdeps`] }),
    );
    expect(byRelease(edit(14, '%packages --inst-langs=en'))).toEqual(
      onlyOn({ rhel8: [`line 14: option --inst-langs of %packages is not supported on rhel8 (supported on: ${fromRhel9}); use --instLangs`] }),
    );
  });

  test('%packages --excludeWeakdeps is RHEL 8 spelling: a warning from F32 on, removed on RHEL 10 (PRs #475, #494)', () => {
    const warning = (dialect: KickstartDialect): string[] => [`line 14: warning: option --excludeWeakdeps of %packages is deprecated on ${dialect}; use --exclude-weakdeps`];
    expect(byRelease(edit(14, '%packages --excludeWeakdeps'))).toEqual({
      rhel8: [],
      rhel9: warning('rhel9'),
      rhel10: ['line 14: option --excludeWeakdeps of %packages was removed on rhel10; use --exclude-weakdeps'],
      fedora42: warning('fedora42'),
      fedora43: warning('fedora43'),
    });
    expect(problems(edit(14, '%packages --instLangs=en'), 'rhel10')).toEqual(['line 14: option --instLangs of %packages was removed on rhel10; use --inst-langs']);
  });

  test('%packages --ignorebroken needs an F32-based parser', () => {
    expect(byRelease(edit(14, '%packages --ignorebroken'))).toEqual(
      onlyOn({ rhel8: [`line 14: option --ignorebroken of %packages is not supported on rhel8 (supported on: ${fromRhel9})`] }),
    );
  });

  test('auth/authconfig: deprecated on RHEL 8 and 9 (F28_Authconfig), removed from F35 and RHEL 10', () => {
    const removed = (dialect: KickstartDialect): string[] => [`line 2: command "authconfig" was removed on ${dialect}; use authselect`];
    expect(byRelease(edit(1, ['authconfig --enableshadow --passalgo=sha512'], true))).toEqual({
      rhel8: ['line 2: warning: command "authconfig" is deprecated on rhel8; use authselect'],
      rhel9: ['line 2: warning: command "authconfig" is deprecated on rhel9; use authselect'],
      rhel10: removed('rhel10'),
      fedora42: removed('fedora42'),
      fedora43: removed('fedora43'),
    });
  });

  test('install: deprecated in F29 (RHEL 8), removed from F34 (RHEL 9 on)', () => {
    const result = byRelease(edit(1, ['install'], true));
    expect(result.rhel8).toEqual(['line 2: warning: command "install" is deprecated on rhel8; use nothing (installing is the default); delete the line']);
    for (const dialect of ['rhel9', 'rhel10', 'fedora42', 'fedora43'] as const) {
      expect(result[dialect]).toEqual([`line 2: command "install" was removed on ${dialect}; use nothing (installing is the default); delete the line`]);
    }
  });

  test('device and dmraid: removed from F34 (PRs #363, #364)', () => {
    expect(problems(edit(10, ['device eth0 e1000'], true), 'rhel9')).toEqual([
      'line 11: command "device" was removed on rhel9; use nothing (Anaconda detects this itself); delete the line',
    ]);
    expect(problems(edit(10, ['dmraid --name=pdc --dev=/dev/sda'], true), 'rhel8')).toEqual([
      'line 11: warning: command "dmraid" is deprecated on rhel8; use nothing (Anaconda detects this itself); delete the line',
    ]);
  });

  test('autostep: DeprecatedCommand in F34 (RHEL 9), RemovedCommand from F40 (PR #473)', () => {
    const text = edit(1, ['autostep --autoscreenshot'], true);
    expect(problems(text, 'rhel9')).toEqual(['line 2: warning: command "autostep" is deprecated on rhel9; use nothing (it only mattered for screenshots); delete the line']);
    expect(problems(text, 'fedora42')).toEqual(['line 2: command "autostep" was removed on fedora42; use nothing (it only mattered for screenshots); delete the line']);
  });

  test('btrfs: deprecated on RHEL 8 and 9, removed on RHEL 10 (PR #489), fine on Fedora', () => {
    const text = edit(12, ['part btrfs.01 --size=1000', 'btrfs / --data=single btrfs.01']).replace('autopart --type=lvm --nohome\n', '');
    const result = byRelease(text);
    expect(result.rhel10).toContain('line 13: command "btrfs" was removed on rhel10; use part/logvol with xfs or ext4');
    expect(result.rhel8).toContain('line 13: warning: command "btrfs" is deprecated on rhel8; use part/logvol with xfs or ext4');
    expect(result.fedora42).toEqual([]);
    expect(result.fedora43).toEqual([]);
  });

  test('timezone NTP options: fine on RHEL 8, warnings from F33, removed by RHEL10_Timezone', () => {
    const text = edit(6, 'timezone Etc/UTC --utc --ntpservers=ntp.lan');
    const warning = (dialect: KickstartDialect): string[] => [`line 6: warning: option --ntpservers of "timezone" is deprecated on ${dialect}; use one timesource --ntp-server=HOST per server`];
    expect(byRelease(text)).toEqual({
      rhel8: [],
      rhel9: warning('rhel9'),
      rhel10: ['line 6: option --ntpservers of "timezone" was removed on rhel10; use one timesource --ntp-server=HOST per server'],
      fedora42: warning('fedora42'),
      fedora43: warning('fedora43'),
    });
  });

  test('timesource and rootpw --allow-ssh are too new for RHEL 8 (rhel8.py maps no timesource; F18_RootPw has no --allow-ssh)', () => {
    expect(byRelease(edit(6, ['timesource --ntp-server=ntp.lan'], true))).toEqual(
      onlyOn({ rhel8: [`line 7: command "timesource" is not supported on rhel8 (supported on: ${fromRhel9})`] }),
    );
    expect(byRelease(edit(8, 'rootpw --lock --allow-ssh'))).toEqual(
      onlyOn({ rhel8: [`line 8: option --allow-ssh of "rootpw" is not supported on rhel8 (supported on: ${fromRhel9})`] }),
    );
  });

  test('logging --level and bootloader --upgrade: deprecated, then removed', () => {
    expect(byRelease(edit(2, ['logging --level=debug'], true))).toEqual(
      onlyOn({
        rhel9: ['line 3: warning: option --level of "logging" is deprecated on rhel9'],
        rhel10: ['line 3: option --level of "logging" was removed on rhel10'],
        fedora42: ['line 3: option --level of "logging" was removed on fedora42'],
        fedora43: ['line 3: option --level of "logging" was removed on fedora43'],
      }),
    );
    const upgrade = byRelease(edit(11, ['bootloader --upgrade'], true));
    expect(upgrade.rhel8).toEqual(['line 12: warning: option --upgrade of "bootloader" is deprecated on rhel8']);
    expect(upgrade.rhel9).toEqual(['line 12: option --upgrade of "bootloader" was removed on rhel9']);
  });

  test('autopart --hibernation comes with F38_AutoPart: RHEL9_AutoPart is RHEL8_AutoPart', () => {
    expect(byRelease(edit(12, 'autopart --type=lvm --hibernation'))).toEqual(
      onlyOn({
        rhel8: ['line 12: option --hibernation of "autopart" is not supported on rhel8 (supported on: rhel10, fedora42, fedora43)'],
        rhel9: ['line 12: option --hibernation of "autopart" is not supported on rhel9 (supported on: rhel10, fedora42, fedora43)'],
      }),
    );
    expect(problems(edit(12, 'autopart --hibernation --noswap'), 'fedora43')).toEqual(['line 12: only one of --noswap and --hibernation can be given']);
  });

  test('commands only some handlers map: rdp and bootc on Fedora 43, rhsm on RHEL', () => {
    expect(problems(edit(1, ['rdp --username=admin'], true), 'fedora42')).toEqual(['line 2: command "rdp" is not supported on fedora42 (supported on: fedora43)']);
    expect(problems(edit(1, ['rdp --username=admin'], true), 'fedora43')).toEqual([]);
    expect(problems(edit(1, ['rhsm --organization=1 --activation-key=k'], true), 'fedora43')).toEqual([
      'line 2: command "rhsm" is not supported on fedora43 (supported on: rhel8, rhel9, rhel10)',
    ]);
  });

  test('network: RHEL 8 has no DNS search options; RHEL 10 deprecates team devices', () => {
    expect(problems(edit(7, 'network --device=link --bootproto=dhcp --ipv4-dns-search=lan'), 'rhel8')).toEqual([
      `line 7: option --ipv4-dns-search of "network" is not supported on rhel8 (supported on: ${fromRhel9})`,
    ]);
    expect(problems(edit(7, 'network --device=team0 --bootproto=dhcp --teamslaves=eth0,eth1'), 'rhel10')).toEqual([
      'line 7: warning: option --teamslaves of "network" is deprecated on rhel10; use --bondslaves/--bondopts (bonding)',
    ]);
    expect(problems(edit(7, 'network --device=link --bootproto=query'), 'rhel8')).toEqual([]);
  });

  test('the rhel8 kickstart rootcast used to write stops RHEL 8 at parse time, and the one it writes now passes', async () => {
    const golden = await readFile(join(import.meta.dirname, '../../golden/answer-files/rhel8-dhcp-auto.ks'), 'utf8');
    expect(golden).toContain('%packages --excludeWeakdeps\n');
    expect(problems(golden, 'rhel8')).toEqual([]);
    const old = checkKickstart(golden.replace('--excludeWeakdeps', '--exclude-weakdeps'), 'rhel8');
    expect(hasKickstartErrors(old)).toBe(true);
    expect(old.map(formatKickstartProblem)).toEqual([
      expect.stringMatching(/^line \d+: option --exclude-weakdeps of %packages is not supported on rhel8 \(supported on: .*\); use --excludeWeakdeps$/),
    ]);
  });

  test('warnings alone do not stop an install', () => {
    const found = checkKickstart(edit(14, '%packages --excludeWeakdeps'), 'rhel9');
    expect(found).toEqual([{ line: 14, severity: 'warning', message: 'option --excludeWeakdeps of %packages is deprecated on rhel9; use --exclude-weakdeps' }]);
    expect(hasKickstartErrors(found)).toBe(false);
  });
});

describe('the syntax table', () => {
  /** A deprecated thing must still be accepted, and nothing is both deprecated and removed on one release. */
  const inconsistencies = (where: string, availability: Availability, accepted: readonly KickstartDialect[]): string[] => {
    const deprecated = availability.deprecated ?? [];
    const removed = availability.removed ?? [];
    return [
      ...deprecated.filter((d) => !accepted.includes(d)).map((d) => `${where}: deprecated on ${d}, which does not accept it`),
      ...deprecated.filter((d) => removed.includes(d)).map((d) => `${where}: both deprecated and removed on ${d}`),
    ];
  };

  test('names a pykickstart handler for every release and a class for every command it maps', () => {
    expect(Object.keys(mirroredPykickstart.handlers)).toEqual([...kickstartDialects]);
    for (const [name, spec] of Object.entries(commandTable)) {
      const mapped = Object.keys(spec.classes);
      expect(mapped.length, name).toBeGreaterThan(0);
      for (const className of Object.values(spec.classes)) expect(className, name).toMatch(/^((FC|F|RHEL)\d+_[A-Za-z]+|KickstartParser)$/);
    }
  });

  test('deprecations and removals agree with what each release accepts', () => {
    const problems: string[] = [];
    for (const [name, spec] of Object.entries(commandTable)) {
      const mapped = Object.keys(spec.classes) as KickstartDialect[];
      problems.push(...inconsistencies(`command ${name}`, spec, mapped));
      for (const [option, optionSpec] of Object.entries(spec.options)) problems.push(...inconsistencies(`${name} ${option}`, optionSpec, optionSpec.only ?? kickstartDialects));
    }
    for (const [name, spec] of Object.entries(sectionTable)) {
      for (const [option, optionSpec] of Object.entries(spec.options)) problems.push(...inconsistencies(`${name} ${option}`, optionSpec, optionSpec.only ?? kickstartDialects));
    }
    expect(problems).toEqual([]);
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

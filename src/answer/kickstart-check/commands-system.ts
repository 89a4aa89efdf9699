import type { CommandSpec } from './syntax-types.js';
import { classes, everywhere, flag, rhel9AndFedora, rules, sinceRhel10, sinceRhel9, value } from './value-rules.js';

const none = { min: 0, max: 0, describe: 'no arguments' };
const freeForm = { min: 0, max: Infinity, describe: 'arguments' };
// F32_Timezone warns on --isUtc, F33 on --nontp/--ntpservers, F40 deprecates all three, RHEL10_Timezone removes them.
const oldTimezone = (instead: string) => ({ deprecated: rhel9AndFedora, removed: ['rhel10'], instead }) as const;

/** The installed system's locale, clock, accounts, authentication and services. */
export const systemCommands: Readonly<Record<string, CommandSpec>> = {
  auth: {
    classes: classes('F28_Authconfig', 'F28_Authconfig', 'F35_Authconfig', 'F35_Authconfig', 'F35_Authconfig'),
    // F28_Authconfig warns "will be deprecated, use authselect"; F35_Authconfig is a RemovedCommand.
    deprecated: ['rhel8', 'rhel9'],
    removed: sinceRhel10,
    instead: 'authselect',
    options: {},
    args: freeForm,
    unchecked: true,
  },
  authselect: { classes: everywhere('F28_Authselect'), options: {}, args: { min: 1, max: Infinity, describe: 'authselect arguments' }, unchecked: true },
  eula: { classes: everywhere('F20_Eula'), options: { '--agreed': flag() }, args: none, requires: ['--agreed'] },
  firstboot: {
    classes: everywhere('FC3_Firstboot'),
    options: { '--enable': flag(), '--enabled': flag(), '--disable': flag(), '--disabled': flag(), '--reconfig': flag() },
    args: none,
  },
  group: { classes: everywhere('F12_Group'), options: { '--name': value(rules.word), '--gid': value(rules.number) }, args: none, repeatable: true, requires: ['--name'] },
  keyboard: {
    classes: everywhere('F18_Keyboard'),
    options: { '--vckeymap': value(rules.word), '--xlayouts': value(rules.list), '--switch': value(rules.list) },
    args: { min: 0, max: 1, describe: 'a keyboard layout' },
  },
  lang: { classes: everywhere('F19_Lang'), options: { '--addsupport': value(rules.list) }, args: { min: 1, max: 1, describe: 'a locale', rule: rules.locale } },
  realm: { classes: classes('F19_Realm', 'F19_Realm', 'F19_Realm', 'F42_Realm', 'F19_Realm'), options: {}, args: { min: 1, max: Infinity, describe: 'a realm subcommand' }, unchecked: true },
  rhsm: { classes: classes('RHEL8_RHSM', 'RHEL8_RHSM', 'RHEL10_RHSM', null, null), options: {}, args: freeForm, unchecked: true },
  rootpw: {
    classes: classes('F18_RootPw', 'RHEL9_RootPw', 'F37_RootPw', 'F37_RootPw', 'F37_RootPw'),
    options: { '--iscrypted': flag(), '--plaintext': flag(), '--lock': flag(), '--allow-ssh': flag({ only: sinceRhel9 }) },
    args: { min: 0, max: 1, describe: 'a password' },
    refine: (line) => (line.args.length === 0 && !line.options.has('--lock') ? 'rootpw needs a password (or --lock)' : undefined),
  },
  selinux: { classes: everywhere('FC3_SELinux'), options: { '--enforcing': flag(), '--permissive': flag(), '--disabled': flag() }, args: none },
  services: { classes: everywhere('FC6_Services'), options: { '--enabled': value(rules.list), '--disabled': value(rules.list) }, args: none, requiresOneOf: ['--enabled', '--disabled'] },
  skipx: { classes: everywhere('FC3_SkipX'), options: {}, args: none },
  sshkey: {
    classes: everywhere('F22_SshKey'),
    options: { '--username': value(rules.word) },
    args: { min: 1, max: 1, describe: 'a public key', rule: rules.sshKey },
    repeatable: true,
    requires: ['--username'],
  },
  syspurpose: { classes: classes('RHEL8_Syspurpose', 'RHEL8_Syspurpose', 'RHEL10_Syspurpose', null, null), options: {}, args: freeForm, unchecked: true },
  timesource: {
    classes: classes(null, 'F33_Timesource', 'F33_Timesource', 'F33_Timesource', 'F33_Timesource'),
    options: { '--ntp-server': value(rules.hostname), '--ntp-pool': value(rules.hostname), '--ntp-disable': flag(), '--nts': flag() },
    args: none,
    repeatable: true,
    requiresOneOf: ['--ntp-server', '--ntp-pool', '--ntp-disable'],
  },
  timezone: {
    classes: classes('F25_Timezone', 'F33_Timezone', 'RHEL10_Timezone', 'F40_Timezone', 'F40_Timezone'),
    options: {
      '--utc': flag(),
      '--isUtc': flag(oldTimezone('--utc')),
      '--nontp': flag(oldTimezone('timesource --ntp-disable')),
      '--ntpservers': value(rules.list, oldTimezone('one timesource --ntp-server=HOST per server')),
    },
    args: { min: 0, max: 1, describe: 'a time zone', rule: rules.timezone },
    // F25_Timezone: "At least one option and/or an argument are expected"; --nontp excludes --ntpservers.
    refine: (line) => {
      if (line.args.length === 0 && line.options.size === 0) return '"timezone" needs a time zone or an option';
      return line.options.has('--nontp') && line.options.has('--ntpservers') ? '--nontp and --ntpservers cannot be combined' : undefined;
    },
  },
  user: {
    classes: everywhere('F24_User'),
    options: {
      '--name': value(rules.word), '--gecos': value(), '--groups': value(rules.list), '--homedir': value(rules.path), '--iscrypted': flag(),
      '--plaintext': flag(), '--lock': flag(), '--password': value(), '--shell': value(rules.path), '--uid': value(rules.number), '--gid': value(rules.number),
    },
    args: none,
    repeatable: true,
    requires: ['--name'],
  },
  xconfig: { classes: everywhere('F14_XConfig'), options: {}, args: freeForm, unchecked: true },
};

import type { CommandSpec, OptionSpec } from './syntax-types.js';
import { classes, everywhere, flag, rules, sinceRhel10, sinceRhel9, value } from './value-rules.js';

const none = { min: 0, max: 0, describe: 'no arguments' };
const anyArgs = { min: 0, max: Infinity, describe: 'arguments' };
const ssl: Readonly<Record<string, OptionSpec>> = { '--sslcacert': value(rules.path), '--sslclientcert': value(rules.path), '--sslclientkey': value(rules.path) };
const proxy: Readonly<Record<string, OptionSpec>> = { '--proxy': value(rules.url), '--noverifyssl': flag() };

/** Installation sources, extra repositories and what the payload is (RPMs, ostree, a bootc image). */
export const sourceCommands: Readonly<Record<string, CommandSpec>> = {
  bootc: { classes: classes(null, null, null, null, 'F43_Bootc'), options: {}, args: anyArgs, unchecked: true },
  cdrom: { classes: everywhere('FC3_Cdrom'), options: {}, args: none },
  driverdisk: { classes: everywhere('F14_DriverDisk'), options: {}, args: anyArgs, unchecked: true, repeatable: true },
  harddrive: {
    classes: classes('FC3_HardDrive', 'F33_HardDrive', 'F33_HardDrive', 'F33_HardDrive', 'F33_HardDrive'),
    // F33_HardDrive dropped --biospart (RHEL 9 lists it as removed).
    options: { '--partition': value(rules.word), '--dir': value(rules.path), '--biospart': value(rules.word, { removed: sinceRhel9 }) },
    args: none,
    requires: ['--dir'],
  },
  hmc: { classes: everywhere('F28_Hmc'), options: {}, args: none },
  install: {
    classes: classes('F29_Install', 'F34_Install', 'F34_Install', 'F34_Install', 'F34_Install'),
    // Deprecated in F29 (pykickstart PR #217), RemovedCommand from F34 (PR #347).
    deprecated: ['rhel8'],
    removed: sinceRhel9,
    instead: 'nothing (installing is the default); delete the line',
    options: {},
    args: none,
  },
  liveimg: { classes: everywhere('F19_Liveimg'), options: { '--url': value(rules.url), '--checksum': value(rules.word), ...proxy }, args: none, requires: ['--url'] },
  method: {
    classes: classes('F28_Method', 'F34_Method', 'F40_Method', 'F40_Method', 'F40_Method'),
    // Removed in F40 with autostep (pykickstart PR #473); the handlers mark F40_Method a RemovedCommand.
    deprecated: ['rhel9'],
    removed: sinceRhel10,
    instead: 'url, cdrom, nfs, harddrive or liveimg on their own line',
    options: {},
    args: anyArgs,
    unchecked: true,
  },
  module: {
    classes: classes('RHEL8_Module', 'F31_Module', 'RHEL10_Module', 'F41_Module', 'F41_Module'),
    // RHEL 10 deprecates modularity (pykickstart PR #488).
    deprecated: ['rhel10'],
    options: { '--name': value(rules.word), '--stream': value(rules.word), '--disable': flag() },
    args: none,
    repeatable: true,
    requires: ['--name'],
  },
  nfs: { classes: everywhere('FC6_NFS'), options: { '--server': value(rules.hostname), '--dir': value(rules.path), '--opts': value() }, args: none, requires: ['--server', '--dir'] },
  ostreecontainer: {
    classes: classes(null, 'RHEL9_OSTreeContainer', 'F38_OSTreeContainer', 'F38_OSTreeContainer', 'F43_OSTreeContainer'),
    options: {},
    args: anyArgs,
    unchecked: true,
  },
  ostreesetup: {
    classes: classes('RHEL8_OSTreeSetup', 'RHEL9_OSTreeSetup', 'F38_OSTreeSetup', 'F38_OSTreeSetup', 'F43_OSTreeSetup'),
    options: {},
    args: anyArgs,
    unchecked: true,
  },
  repo: {
    classes: classes('RHEL8_Repo', 'F33_Repo', 'F40_Repo', 'F40_Repo', 'F40_Repo'),
    options: {
      '--name': value(rules.word), '--baseurl': value(rules.url), '--mirrorlist': value(rules.url), '--metalink': value(rules.url),
      '--cost': value(rules.number), '--excludepkgs': value(rules.list), '--includepkgs': value(rules.list), '--install': flag(),
      // Removed in F40 (pykickstart PR #473).
      '--ignoregroups': value(undefined, { removed: sinceRhel10 }),
      ...proxy,
      ...ssl,
    },
    args: none,
    repeatable: true,
    requires: ['--name'],
    requiresOneOf: ['--baseurl', '--mirrorlist', '--metalink'],
  },
  updates: { classes: classes('F7_Updates', 'F34_Updates', 'F34_Updates', 'F34_Updates', 'F34_Updates'), options: {}, args: anyArgs, unchecked: true },
  url: {
    // F18 requires exactly one of --url/--mirrorlist, F27 adds --metalink; RHEL8_Url and F30_Url add the SSL options.
    classes: classes('RHEL8_Url', 'F30_Url', 'F30_Url', 'F30_Url', 'F30_Url'),
    options: { '--url': value(rules.url), '--mirrorlist': value(rules.url), '--metalink': value(rules.url), ...proxy, ...ssl },
    args: none,
    requiresOneOf: ['--url', '--mirrorlist', '--metalink'],
    refine: (line) => {
      const given = ['--url', '--mirrorlist', '--metalink'].filter((option) => line.options.has(option));
      return given.length > 1 ? `only one of ${given.join(', ')} may be given to "url"` : undefined;
    },
  },
};

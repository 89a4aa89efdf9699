import type { CommandSpec } from './syntax-types.js';
import { choice, classes, everywhere, flag, rules, sinceRhel10, value } from './value-rules.js';

const none = { min: 0, max: 0, describe: 'no arguments' };
const freeForm = { min: 0, max: Infinity, describe: 'arguments' };

const displayMode: CommandSpec = { classes: everywhere('F26_DisplayMode'), options: { '--non-interactive': flag() }, args: none };
const finish: CommandSpec = { classes: everywhere('F23_Reboot'), options: { '--eject': flag(), '--kexec': flag() }, args: none };

/** How Anaconda itself runs: display mode, what to do at the end, logging, remote access. */
export const installerCommands: Readonly<Record<string, CommandSpec>> = {
  autostep: {
    classes: classes('RHEL8_AutoStep', 'F34_AutoStep', 'F40_Autostep', 'F40_Autostep', 'F40_Autostep'),
    // F34_AutoStep is a DeprecatedCommand; F40_Autostep a RemovedCommand (pykickstart PR #473).
    deprecated: ['rhel8', 'rhel9'],
    removed: sinceRhel10,
    instead: 'nothing (it only mattered for screenshots); delete the line',
    options: { '--autoscreenshot': flag() },
    args: none,
  },
  // F26_DisplayMode: "Kickstart command cmdline does not support --non-interactive parameter".
  cmdline: { ...displayMode, refine: (line) => (line.options.has('--non-interactive') ? '"cmdline" does not support --non-interactive' : undefined) },
  graphical: displayMode,
  halt: finish,
  logging: {
    classes: classes('FC6_Logging', 'F34_Logging', 'F40_Logging', 'F40_Logging', 'F40_Logging'),
    options: {
      '--host': value(rules.hostname),
      '--port': value(rules.number),
      // Deprecated in F34, removed in F40 (pykickstart PR #473).
      '--level': choice(['debug', 'info', 'warning', 'error', 'critical'], { deprecated: ['rhel9'], removed: sinceRhel10 }),
    },
    args: none,
  },
  mediacheck: { classes: everywhere('FC4_MediaCheck'), options: {}, args: none },
  poweroff: finish,
  rdp: { classes: classes(null, null, null, null, 'F43_RDP'), options: { '--username': value(), '--password': value() }, args: none },
  reboot: finish,
  rescue: { classes: everywhere('F10_Rescue'), options: { '--nomount': flag(), '--romount': flag() }, args: none },
  shutdown: finish,
  sshpw: { classes: everywhere('F24_SshPw'), options: {}, args: freeForm, unchecked: true, repeatable: true },
  text: displayMode,
  vnc: {
    classes: classes('F9_Vnc', 'F9_Vnc', 'RHEL10_Vnc', 'F9_Vnc', 'F43_Vnc'),
    // RHEL 10 replaced VNC with RDP (pykickstart PR #497/#498).
    deprecated: ['rhel10'],
    instead: 'inst.rdp on the kernel command line',
    options: { '--host': value(rules.hostname), '--port': value(rules.number), '--password': value() },
    args: none,
  },
};

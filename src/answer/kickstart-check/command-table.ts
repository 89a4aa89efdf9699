import { hardwareCommands } from './commands-hardware.js';
import { installerCommands } from './commands-installer.js';
import { networkCommands } from './commands-network.js';
import { sourceCommands } from './commands-source.js';
import { storageCommands } from './commands-storage.js';
import { systemCommands } from './commands-system.js';
import type { CommandSpec } from './syntax-types.js';
import { everywhere } from './value-rules.js';

/**
 * Which pykickstart source the tables mirror (github.com/pykickstart/pykickstart). Facts were read from
 * the handlers' commandMap and the command classes' `_getParser()`; the table is rootcast's own code.
 * Where a newer class was not readable, its pull request is named next to the entry instead.
 */
export const mirroredPykickstart = {
  release: 'pykickstart master as of 3.73 (Fedora 42 ships 3.62, Fedora 43 3.66; RHEL 8 ships 3.16.x, RHEL 10 3.52.4+)',
  handlers: {
    rhel8: 'pykickstart/handlers/rhel8.py @ 887e46b856dee6c50db514c2e078620b454ce974',
    rhel9: 'pykickstart/handlers/rhel9.py @ fffd9add5d31be72bd326a4c622fcc8fbf083306',
    rhel10: 'pykickstart/handlers/rhel10.py @ f5c46bd4ac6d6bd12cfcb02c711516daf99c28eb, with the RHEL10_Timezone/_Nvdimm/_Vnc/_Module classes of rhel11.py @ 0ce0df45ac35bed6a0dc1a949cd1d2472d638b24 (PRs #488, #494, #498)',
    fedora42: 'pykickstart/handlers/f42.py @ ff3441602e538ad8999e9e270f3fb7acf46e22f4',
    fedora43: 'pykickstart/handlers/f43.py @ 5adbd63825446c24827c6de71129f6ee5ee25510',
  },
  sections: 'pykickstart/sections.py @ 6d5820365930ad5db3cd533dbcf50fa5f3c629bd, with PRs #400 (dashed %packages spellings only from F32), #475 (camelCase deprecated in F40), #494 (removed on RHEL 10)',
  semantics: 'base.py DeprecatedCommand (warning, ignored), RemovedCommand (parse error); options.py deprecated= (warning) and remove_argument (unrecognized argument)',
} as const;

const include: CommandSpec = { classes: everywhere('KickstartParser'), options: {}, args: { min: 1, max: 1, describe: 'a file or URL' }, repeatable: true };

/** Every command some handler maps, with its per-release class, options and status. */
export const commandTable: Readonly<Record<string, CommandSpec>> = {
  ...installerCommands,
  ...sourceCommands,
  ...systemCommands,
  ...networkCommands,
  ...storageCommands,
  ...hardwareCommands,
  '%include': include,
  '%ksappend': include,
};

/** Second names the handlers map to the same command object. */
export const commandAliases: Readonly<Record<string, string>> = { partition: 'part', authconfig: 'auth' };

/** Commands no handler of these releases maps any more (pykickstart: "Unknown command"), with what to do instead. */
export const removedCommands: Readonly<Record<string, string>> = {
  upgrade: 'was removed in F29 (use a fresh install)',
  key: 'was removed (installation numbers are gone); delete the line',
  interactive: 'was removed; delete the line',
  monitor: 'was removed; delete the line',
  mouse: 'was removed; delete the line',
  langsupport: 'was removed; use lang --addsupport',
  lilo: 'was removed; use bootloader',
  lilocheck: 'was removed; delete the line',
  unsupported_hardware: 'was removed (RHEL 7 only); delete the line',
};

import type { CommandSpec } from './syntax-types.js';
import { classes, everywhere, sinceRhel9 } from './value-rules.js';

const freeForm = { min: 0, max: Infinity, describe: 'arguments' };

/** A hardware command recognised by name; its options are specific to the device and not checked. */
const device = (mapped: CommandSpec['classes'], extra: Partial<CommandSpec> = {}): CommandSpec => ({
  classes: mapped,
  options: {},
  args: freeForm,
  unchecked: true,
  repeatable: true,
  ...extra,
});

// Deprecated since F24/F29 and RemovedCommands from F34 (pykickstart PRs #347, #362, #363, #364).
const goneSinceF34 = { deprecated: ['rhel8'], removed: sinceRhel9, instead: 'nothing (Anaconda detects this itself); delete the line' } as const;

/** Storage hardware, drivers and firmware-level commands. */
export const hardwareCommands: Readonly<Record<string, CommandSpec>> = {
  device: device(classes('F24_Device', 'F34_Device', 'F34_Device', 'F34_Device', 'F34_Device'), goneSinceF34),
  deviceprobe: device(classes('F29_DeviceProbe', 'F34_DeviceProbe', 'F34_DeviceProbe', 'F34_DeviceProbe', 'F34_DeviceProbe'), goneSinceF34),
  dmraid: device(classes('F24_DmRaid', 'F34_DmRaid', 'F34_DmRaid', 'F34_DmRaid', 'F34_DmRaid'), goneSinceF34),
  fcoe: device(classes('RHEL8_Fcoe', 'RHEL9_Fcoe', 'RHEL10_Fcoe', 'F28_Fcoe', 'F28_Fcoe')),
  iscsi: device(everywhere('F17_Iscsi')),
  iscsiname: device(everywhere('FC6_IscsiName'), { repeatable: false }),
  multipath: device(classes('F24_MultiPath', 'F34_MultiPath', 'F34_MultiPath', 'F34_MultiPath', 'F34_MultiPath'), goneSinceF34),
  // RHEL10_Nvdimm is a RemovedCommand (pykickstart 3.52.4 for RHEL 10).
  nvdimm: device(classes('F28_Nvdimm', 'F28_Nvdimm', 'RHEL10_Nvdimm', 'F40_Nvdimm', 'F40_Nvdimm'), { removed: ['rhel10'] }),
  zfcp: device(classes('F14_ZFCP', 'RHEL9_ZFCP', 'F37_ZFCP', 'F37_ZFCP', 'F37_ZFCP')),
  zipl: device(classes('RHEL8_Zipl', 'F32_Zipl', 'F32_Zipl', 'F32_Zipl', 'F32_Zipl'), { repeatable: false }),
};

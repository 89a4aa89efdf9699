import type { DeployInstructions } from '../../../src/protocol/deploy-protocol.js';
import type { DeployFacts } from '../../../src/runner/facts.js';
import type { Step, StepOf } from '../../../src/runner/steps.js';

const mib = 1024 * 1024;

/** What serve sends web07 for web@3, as the planner tests start from it; each test file overrides what it is about. */
export const deployInstructions = (more: Partial<DeployInstructions> = {}): DeployInstructions => ({
  host: 'web07',
  image: 'web',
  version: 3,
  ref: 'web@3',
  rsync: { url: 'rsync://install.web07@images.example:8873/img.web.3/', user: 'install.web07' },
  keepPaths: ['/etc/fstab', '/boot/efi/'],
  family: 'debian',
  ...more,
});

/** A mounted installed root on a BIOS machine with one disk, plenty of RAM, nothing measured beyond that. */
export const deployFacts = (more: Partial<DeployFacts> = {}): DeployFacts => ({
  target: '/mnt/sysroot',
  targetMounted: true,
  submounts: [],
  memAvailableBytes: 4096 * mib,
  rootCopy: { files: 1000, bytes: 100 * mib },
  toolbox: '/run/rootcast/toolbox.42',
  rsyncAddress: '10.0.0.1',
  installedFstab: [],
  boot: { firmware: 'bios', disks: { ok: true, disks: ['/dev/sda'] } },
  ...more,
});

/** The plan's step of one kind; a plan without it fails the test here, not later on an undefined. */
export const stepOf = <K extends Step['kind']>(steps: readonly Step[], kind: K): StepOf<K> => {
  const found = steps.find((step) => step.kind === kind);
  if (found === undefined) throw new Error(`no ${kind} step`);
  return found as StepOf<K>;
};

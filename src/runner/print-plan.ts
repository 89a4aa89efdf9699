import { formatBytes } from '../text/format.js';
import { describeTransport } from './torrent-print.js';
import type { Step, StepTable } from './steps.js';

/** One printer per step kind (a new kind does not compile without one). */
const printers: StepTable<string[]> = {
  preflight: (step) => [
    ...step.checks.map((check) => `  ${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}`),
    `  list ${step.probe.source} (the ${step.probe.what} is served and the token works)`,
  ],
  'ram-copy': (step) => [
    `  mount a ${formatBytes(step.tmpfsBytes)} tmpfs at ${step.toolbox}`,
    `  copy ${step.source} into it (one filesystem; skipping ${step.excludes.length} paths such as ${step.excludes.slice(0, 3).join(' ')})`,
  ],
  mount: (step) => step.mounts.map((mount) => `  ${mount.recursive ? 'rbind' : 'bind '} ${mount.source} -> ${mount.target}`),
  'sync-image': (step) => [
    ...describeTransport(step.transport),
    `  chroot ${step.toolbox} rsync -aHAXS --numeric-ids --delete ${step.source} ${step.destination}`,
    `  keep: ${step.protect.join(' ')}`,
    `  io timeout ${step.ioTimeoutSeconds}s${step.bwlimitKiB === undefined ? '' : `, bandwidth limit ${step.bwlimitKiB} KiB/s`}`,
  ],
  overrides: (step) => [`  skipped: ${step.reason}`],
  identity: (step) => [`  skipped: ${step.reason}`],
  enroll: (step) => [`  trade the install token for the host credential; write ${step.credentialFile} (mode 600) and ${step.clientFile}`],
  cleanup: (step) => [`  unmount everything under ${step.toolbox}, end the private mount namespace, free the RAM`],
};

const printStep = <K extends Step['kind']>(step: Extract<Step, { kind: K }>): string[] =>
  (printers[step.kind] as (step: Extract<Step, { kind: K }>) => string[])(step);

/** The text --dry-run prints: every step in order with what it would do. */
export const formatPlan = (steps: readonly Step[]): string =>
  steps.map((step, index) => [`${index + 1}. ${step.kind}`, ...printStep(step)].join('\n')).join('\n');

import { formatBytes } from '../text/format.js';
import { formatPlannedCommandLines, type PlannedCommand } from '../sys/planned-command.js';
import { cleanEnvironmentNames } from './command-environment.js';
import type { DeployFacts } from './facts.js';
import { commandsOfStep, type Step, type StepTable } from './steps.js';
import { describeTransport } from './torrent-print.js';

const stalls = (pull: PlannedCommand): string => (pull.stallSeconds === undefined ? '' : `, a pull silent for ${pull.stallSeconds} s too`);

/** What each kind says besides its commands (a new kind does not compile without one). */
const printers: StepTable<string[]> = {
  preflight: (step) => [
    ...step.checks.map((check) => `  ${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}`),
    `  list the image module: the ${step.what} is served and the token works`,
  ],
  'ram-copy': (step) => [`  open the private mount+PID namespace (its holder lives until the runner ends or cleanup closes it), then copy the installed root into a ${formatBytes(step.tmpfsBytes)} tmpfs at ${step.toolbox}, the RAM toolbox`],
  mount: () => ['  bind /proc, /sys, /dev and the target\'s own filesystems into the toolbox'],
  'sync-image': (step) => [...describeTransport(step.transport), `  pull the ${step.what} onto the target with the toolbox's rsync (transient failures retried${stalls(step.pull)})`],
  overrides: (step) => ('pull' in step
    ? [`  pull the ${step.what} onto the target with the toolbox's rsync (by checksum; serve's filter rules; transient failures retried${stalls(step.pull)})`]
    : [`  skipped: ${step.skipped}`]),
  identity: (step) => [
    '  bind /proc, /sys, /dev into the target for the commands chrooted there',
    `  write a random machine id to ${step.machineIdFile} only if it is missing or empty (the installer's own is kept)`,
    `  ssh-keygen -A (only the missing host keys) only if ${step.hostKeys.when} exists`,
    ...step.warnings.map((warning) => `  ${warning}`),
  ],
  bootloader: (step) => ('commands' in step
    ? [`  rebuild the initramfs and install the ${step.firmware === 'efi' ? 'UEFI' : `BIOS boot loader on ${step.disks.join(', ')}`} with its config, chrooted into the target`]
    : [`  skipped: ${step.skipped}`]),
  enroll: (step) => [
    `  trade the install token for the host credential; write ${step.credentialFile} (mode 600) and ${step.clientFile}`,
    `  fetch ${step.firstBoot.files.map((file) => file.url).join(' and ')}; install them at ${step.firstBoot.files.map((file) => file.path).join(', ')}; link ${step.firstBoot.link.path}`,
    `  record ${step.delivery.ref} in ${step.deployedStateFile}`,
  ],
  cleanup: (step) => [`  unmount the toolbox if the namespace is still open, end the namespace (freeing the RAM), remove ${step.toolbox}`],
};

/** A command as --dry-run shows it: the prompt and the exact line, then what is not the legend's (its environment, its success codes). */
export const formatCommandLines = (command: PlannedCommand): string[] => formatPlannedCommandLines(command, '  ', { env: cleanEnvironmentNames });

const printStep = <K extends Step['kind']>(step: Extract<Step, { kind: K }>): string[] => [
  ...(printers[step.kind] as (step: Extract<Step, { kind: K }>) => string[])(step),
  ...commandsOfStep(step).flatMap(formatCommandLines),
];

/** The legend above the steps: what the prompts mean and what every command gets. */
export const planLegend = [
  '"$ " lines run as the runner (setpriv --pdeathsig KILL -- LINE), "ns$ " lines in its private mount+PID namespace',
  `(setpriv --pdeathsig KILL -- nsenter -t PID -m -p -r -w -- LINE), exactly as shown, with only ${cleanEnvironmentNames.join(', ')}`,
  'in their environment unless noted (names only: values, the token among them, are never shown).',
].join('\n');

/** The text --dry-run prints: every step in order with what it would do and every command it would run. */
export const formatPlan = (steps: readonly Step[]): string =>
  steps.map((step, index) => [`${index + 1}. ${step.kind}`, ...printStep(step)].join('\n')).join('\n');

/** The whole --dry-run text: the legend, the command the facts were read with, the plan. */
export const formatDryRun = (title: string, facts: Pick<DeployFacts, 'measuredWith'>, steps: readonly Step[]): string =>
  [
    `dry-run: ${title}`,
    planLegend,
    '0. facts (read before planning)',
    ...(facts.measuredWith === undefined
      ? ['  the target is not a mount point: nothing was measured']
      : ['  measured what the RAM copy will hold:', ...formatCommandLines(facts.measuredWith)]),
    formatPlan(steps),
  ].join('\n');

import { formatPlannedCommandLines, type PlannedCommand } from '../sys/planned-command.js';
import type { HostPushPlan, PushHost, RunnerUpload } from './push-plan.js';

/** One thing push does on a host, in the order it does them: a line sent over the session, or a file over SFTP. */
export type PushStep =
  | { kind: 'run'; what: string; when?: string; command: PlannedCommand }
  | { kind: 'upload'; what: string; when?: string; upload: RunnerUpload };

const whenUploading = 'only when a file is uploaded';

/** Pure: the plan's steps in the order pushHost runs them (each `when` is decided on the host, from what the first ones print). */
export const listPushSteps = (plan: HostPushPlan): PushStep[] => [
  { kind: 'run', what: 'read the digests push recorded and the runner files\' sizes and mtimes now', command: plan.stateCommand },
  { kind: 'run', what: 'hash the runner files', when: 'only when a recorded digest is missing or its file\'s size or mtime moved', command: plan.digestCommand },
  { kind: 'run', what: 'make the runner directory', when: whenUploading, command: plan.makeDirCommand },
  ...[plan.uploads.node, plan.uploads.runner].map((upload): PushStep => ({ kind: 'upload', what: `upload ${upload.name}`, when: `only when the host's ${upload.name} is not serve's (by digest)`, upload })),
  { kind: 'run', what: 'record the digests for the next push', when: 'only when a file was uploaded or a digest was not recorded', command: plan.recordCommand },
  { kind: 'run', what: 'the update, with the credential the host already has', command: plan.updateCommand },
  { kind: 'run', what: 'look whether the update still runs (a fresh connection, at most 10 s)', when: 'only when --timeout fires while the update runs', command: plan.lookCommand },
];

/** An upload as --dry-run shows it: what goes where, with its mode. */
const formatUpload = (upload: RunnerUpload): string => `sftp: ${upload.local} -> ${upload.remote} (mode ${upload.mode.toString(8).padStart(4, '0')}; a temporary name, then renamed)`;

/** One host's plan as --dry-run prints it: where push logs in, then every step with its line and condition. */
export const formatHostPushPlan = (plan: HostPushPlan): string[] => [
  `${plan.host}: ${plan.target.user}@${plan.target.host}:${plan.target.port} (its host key checked against known_hosts first)`,
  ...listPushSteps(plan).flatMap((step) => {
    const comment = `    # ${step.what}${step.when === undefined ? '' : `, ${step.when}`}`;
    if (step.kind === 'upload') return [`  ${formatUpload(step.upload)}${comment}`];
    const [line = '', ...notes] = formatPlannedCommandLines(step.command, '  ');
    return [`${line}${comment}`, ...notes];
  }),
];

/** Why push has no plan for a host: no address in the inventory. */
export const unreachableProblem = 'no ip in the inventory: push cannot reach it';

export const formatUnreachableHost = (host: PushHost): string => `${host.name}: ${unreachableProblem}`;

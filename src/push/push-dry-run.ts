import { planHostPush, type PushHost, type PushSettings, type RunnerFiles } from './push-plan.js';
import { formatHostPushPlan, formatUnreachableHost, listPushSteps, unreachableProblem, type PushStep } from './push-steps.js';

/** One host in `push --dry-run`: what push would do there, or why it cannot reach it. */
export type HostPushDryRun =
  | { host: string; target: { user: string; host: string; port: number }; steps: PushStep[] }
  | { host: string; problem: string };

/** Pure: every host's plan, as `push --dry-run --json` emits it; nothing is contacted. */
export const planPushDryRun = (hosts: readonly PushHost[], settings: PushSettings, files: RunnerFiles): HostPushDryRun[] =>
  hosts.map((host) => {
    if (host.ip === undefined) return { host: host.name, problem: unreachableProblem };
    const plan = planHostPush({ ...host, ip: host.ip }, settings, files);
    return { host: plan.host, target: plan.target, steps: listPushSteps(plan) };
  });

/** The text `push --dry-run` prints: a legend, then each host's plan (or why it has none). */
export const formatPushDryRun = (hosts: readonly PushHost[], settings: PushSettings, files: RunnerFiles): string =>
  [
    `dry-run: push to ${hosts.length} host${hosts.length === 1 ? '' : 's'}, at most ${Math.min(settings.concurrency, hosts.length)} at a time; nothing is contacted, uploaded or changed`,
    '"ssh$ " lines are sent over each host\'s SSH session exactly as shown (its login shell runs them); "sftp:" lines copy a file over SFTP on it.',
    ...hosts.flatMap((host) => (host.ip === undefined ? ['', formatUnreachableHost(host)] : ['', ...formatHostPushPlan(planHostPush({ ...host, ip: host.ip }, settings, files))])),
  ].join('\n');

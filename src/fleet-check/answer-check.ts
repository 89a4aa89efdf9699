import type { AnswerAssets } from '../answer/answer-assets.js';
import { answerFileKinds, imageMisfit, type AnswerFileKind } from '../answer/answer-file-plan.js';
import type { DistroFootprint } from '../image/manifest.js';
import { buildRenderContext } from '../answer/build-render-context.js';
import { answerInputFromHost } from '../answer/inventory-inputs.js';
import { unissuedInstallToken } from '../credentials/token.js';
import { renderAnswerFile } from '../render/render-answer-file.js';
import { placeOfProblem } from './answer-problem-place.js';
import type { RefResolutions } from '../inventory/image-refs.js';
import type { InventoryIssue, IssuePath, IssueSeverity } from '../inventory/issue.js';
import { resolveHosts, type ResolvedHost } from '../inventory/resolve.js';
import { valueAt } from '../inventory/shape-issues.js';
import type { Inventory } from '../inventory/types.js';

export interface AnswerCheckInput {
  inventory: Inventory;
  /** The document as plain values: tells a missing `server:` from a broken one, and lists from single values. */
  root: unknown;
  assets: AnswerAssets;
  refs: RefResolutions;
}

// Stand-ins for what only exists at install time; tokens are never made here (the server issues them).
const placeholder = { token: unissuedInstallToken, serverUrl: 'http://rootcast-server.invalid:8780', image: 'unset' } as const;

export interface HostProblem {
  path: IssuePath;
  message: string;
  severity: IssueSeverity;
}

/** The image version the host's answer file would name; a placeholder where the store cannot say yet. */
const imageFor = (host: ResolvedHost, refs: RefResolutions): { host: ResolvedHost; imageRef: string; capturedFrom?: DistroFootprint | undefined } => {
  if (host.image === undefined) return { host: { ...host, image: { ref: placeholder.image, name: placeholder.image, from: { kind: 'host' } } }, imageRef: `${placeholder.image}@1` };
  const resolution = refs.get(host.image.ref);
  return resolution?.kind === 'resolved' ? { host, imageRef: resolution.ref, capturedFrom: resolution.capturedFrom } : { host, imageRef: `${host.image.name}@1` };
};

/** The verbs that may render this host: its distro's family, or both when it has no distro (either installer may be used). */
const kindsFor = (host: ResolvedHost, assets: AnswerAssets): AnswerFileKind[] => {
  const distro = host.install.distro;
  if (distro === undefined) return ['kickstart', 'preseed'];
  const family = assets.catalog.get(distro)?.family;
  return family === 'debian' ? ['preseed'] : ['kickstart'];
};

/** Renders one host's answer file for one verb and returns what stops it (renderer paths: `install.timezone`). */
const renderProblems = (host: ResolvedHost, kind: AnswerFileKind, input: AnswerCheckInput, serverUrl: string): { path: string; message: string }[] => {
  const { host: shown, imageRef, capturedFrom } = imageFor(host, input.refs);
  const answerInput = answerInputFromHost(shown, { serverUrl, imageRef, capturedFrom, token: placeholder.token });
  const distro = answerInput.install.distro ?? answerFileKinds[kind].defaultDistro;
  const built = buildRenderContext({ ...answerInput, install: { ...answerInput.install, distro } }, input.assets.catalog);
  if (!built.ok) return built.problems;
  // The installer of the other family than the image's: its boot commands fail in the image's root.
  const misfit = imageMisfit(answerInput, distro, kind);
  if (misfit !== undefined) return [{ path: 'install.distro', message: misfit }];
  try {
    renderAnswerFile(input.assets.templates, built.context);
    return [];
  } catch (error) {
    return [{ path: '', message: `the ${kind} template failed: ${(error as Error).message}` }];
  }
};

/** A host's problems: errors when every verb that may render it fails, warnings when only one of two does. */
export const hostAnswerProblems = (host: ResolvedHost, input: AnswerCheckInput, serverUrl: string): HostProblem[] => {
  const kinds = kindsFor(host, input.assets);
  const byProblem = new Map<string, { path: string; message: string; kinds: AnswerFileKind[] }>();
  for (const kind of kinds) {
    for (const problem of renderProblems(host, kind, input, serverUrl)) {
      const key = JSON.stringify([problem.path, problem.message]);
      const seen = byProblem.get(key) ?? { ...problem, kinds: [] };
      byProblem.set(key, { ...seen, kinds: [...seen.kinds, kind] });
    }
  }
  return [...byProblem.values()].map((problem) => {
    const path = placeOfProblem(problem.path, host, input.root);
    if (problem.kinds.length === kinds.length) return { path, message: problem.message, severity: 'error' };
    const [kind = 'kickstart'] = problem.kinds;
    const message = `${problem.message} (rootcast ${kind} would fail with its default distro ${answerFileKinds[kind].defaultDistro}; set install.distro to say which installer this host uses)`;
    return { path, message, severity: 'warning' };
  });
};

const affected = (hosts: readonly string[]): string => {
  const shown = hosts.slice(0, 3).join(', ');
  const more = hosts.length > 3 ? ` and ${hosts.length - 3} more` : '';
  return ` (affects the answer file${hosts.length === 1 ? '' : 's'} of ${shown}${more})`;
};

/**
 * Renders every host's answer file the way `rootcast kickstart`/`preseed` and serve would (placeholder
 * token, store versions) and returns what stops any of them. A problem shared by many hosts is reported
 * once, at the entry it comes from (the `install:` default, a group, an image, a network, a range key).
 */
export const answerFileIssues = (input: AnswerCheckInput): InventoryIssue[] => {
  const hosts = resolveHosts(input.inventory);
  if (hosts.length === 0) return [];
  const issues: InventoryIssue[] = [];
  const serverWritten = valueAt(input.root, ['server']);
  if (input.inventory.server === undefined && (serverWritten === undefined || serverWritten === null)) {
    issues.push({
      severity: 'error',
      path: ['server'],
      message: 'not set; add  server: {url: "http://SERVER-ADDRESS:8780"}  (the address installing hosts reach rootcast serve at)',
    });
  }
  const serverUrl = (input.inventory.server?.url ?? placeholder.serverUrl).replace(/\/$/, '');
  const grouped = new Map<string, { problem: HostProblem; hosts: string[] }>();
  for (const host of hosts) {
    for (const problem of hostAnswerProblems(host, input, serverUrl)) {
      const key = JSON.stringify([problem.severity, problem.path, problem.message]);
      const entry = grouped.get(key) ?? { problem, hosts: [] };
      entry.hosts.push(host.name);
      grouped.set(key, entry);
    }
  }
  for (const { problem, hosts: names } of grouped.values()) {
    // A host entry (or range key) names its hosts already; any other place gets the hosts it breaks.
    const suffix = problem.path[0] === 'hosts' ? '' : affected(names);
    issues.push({ severity: problem.severity, path: problem.path, message: `${problem.message}${suffix}` });
  }
  return issues;
};

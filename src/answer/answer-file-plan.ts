import { footprintFamily } from './image-family.js';
import { RootcastError } from '../errors/rootcast-error.js';
import type { AnswerTemplates } from '../render/answer-templates.js';
import { renderAnswerFile, type RenderedAnswerFile } from '../render/render-answer-file.js';
import type { AnswerFileInput } from './answer-file-input.js';
import { buildRenderContext } from './build-render-context.js';
import type { DistroCatalog } from './distro-profile.js';
import { formatInputProblem } from './input-problem.js';

/** The two answer-file verbs and what each renders. */
export const answerFileKinds = {
  kickstart: { family: 'rhel', defaultDistro: 'rhel9', installer: 'Anaconda' },
  preseed: { family: 'debian', defaultDistro: 'debian12', installer: 'debian-installer' },
} as const;
export type AnswerFileKind = keyof typeof answerFileKinds;

export interface AnswerFileRequest {
  kind: AnswerFileKind;
  /** `--distro`, typed by the user: a bad value is a usage error. */
  distro?: string;
}

const otherKind = (kind: AnswerFileKind): AnswerFileKind => (kind === 'kickstart' ? 'preseed' : 'kickstart');

/** The profile ids a verb's --distro accepts (its installer's family), sorted. */
export const distroIdsFor = (catalog: DistroCatalog, kind: AnswerFileKind): string[] =>
  [...catalog.values()].filter((profile) => profile.family === answerFileKinds[kind].family).map((profile) => profile.id).sort();

/** Checks a `--distro` value against the catalog and the verb's installer family (usage errors, 64). */
export const checkDistroOption = (catalog: DistroCatalog, request: AnswerFileRequest): void => {
  if (request.distro === undefined) return;
  const { family } = answerFileKinds[request.kind];
  const profile = catalog.get(request.distro);
  const known = distroIdsFor(catalog, request.kind);
  if (profile === undefined) {
    throw new RootcastError('USAGE', `--distro "${request.distro}" is not a distro of rootcast ${request.kind}; use one of: ${known.join(', ')}`);
  }
  if (profile.family !== family) {
    throw new RootcastError('USAGE', `--distro ${request.distro}: ${request.distro} is installed by ${answerFileKinds[otherKind(request.kind)].installer}, not ${answerFileKinds[request.kind].installer}`, {
      hint: `use rootcast ${otherKind(request.kind)} --distro ${request.distro}, or one of: ${known.join(', ')}`,
    });
  }
};

/**
 * Validates every host's input and renders its answer file; nothing is rendered unless all hosts
 * are valid, and the error lists every problem of every host.
 */
/**
 * Pure: why the installer does not fit the image, or undefined. The install's boot commands (initramfs, boot loader)
 * come from the distro profile and run in the image's root: a RHEL installer's dracut and grub2-mkconfig in a
 * captured Debian root fail, after the disk was already overwritten.
 */
export const imageMisfit = (input: AnswerFileInput, distro: string, kind: AnswerFileKind): string | undefined => {
  const captured = input.image.capturedFrom;
  const imageFamily = captured === undefined ? undefined : footprintFamily(captured);
  const { family } = answerFileKinds[kind];
  if (captured === undefined || imageFamily === undefined || imageFamily === family) return undefined;
  // Two families, one verb each: the image's is the other one.
  return `image ${input.image.ref} was captured from ${captured.prettyName ?? captured.id} (the ${imageFamily} family), and ${distro} installs the ${family} family, whose boot commands do not fit it; use rootcast ${otherKind(kind)} (and a ${imageFamily} install.distro)`;
};

export const planAnswerFiles = (
  inputs: readonly AnswerFileInput[],
  catalog: DistroCatalog,
  templates: AnswerTemplates,
  request: AnswerFileRequest,
): RenderedAnswerFile[] => {
  checkDistroOption(catalog, request);
  const { family, defaultDistro } = answerFileKinds[request.kind];
  const problems: string[] = [];
  const rendered: RenderedAnswerFile[] = [];
  for (const input of inputs) {
    const distro = request.distro ?? input.install.distro ?? defaultDistro;
    const built = buildRenderContext({ ...input, install: { ...input.install, distro } }, catalog);
    if (!built.ok) {
      problems.push(...built.problems.map((problem) => `${input.host.name}: ${formatInputProblem(problem)}`));
      continue;
    }
    if (built.context.install.distro.family !== family) {
      problems.push(`${input.host.name}: install.distro: ${distro} is installed by ${answerFileKinds[otherKind(request.kind)].installer}; use rootcast ${otherKind(request.kind)} or --distro`);
      continue;
    }
    const misfit = imageMisfit(input, distro, request.kind);
    if (misfit !== undefined) {
      problems.push(`${input.host.name}: ${misfit}`);
      continue;
    }
    rendered.push(renderAnswerFile(templates, built.context));
  }
  if (problems.length > 0) {
    const hosts = new Set(problems.map((problem) => problem.split(':')[0]));
    throw new RootcastError('INVALID_DATA', `cannot generate ${request.kind} for ${[...hosts].join(', ')}: ${problems.length} problem(s)`, {
      details: problems,
      hint: 'fix the host settings in the inventory (see docs/answer-files.md), then re-run',
    });
  }
  return rendered;
};

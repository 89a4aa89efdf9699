import type { AnswerTemplates } from './answer-templates.js';
import type { HostRenderContext } from './host-render-context.js';

export interface RenderedAnswerFile {
  host: string;
  distro: string;
  family: HostRenderContext['install']['distro']['family'];
  /** File name used when writing into a directory (`web07.ks`, `web07.preseed.cfg`). */
  fileName: string;
  content: string;
}

const extensionByFamily = { rhel: 'ks', debian: 'preseed.cfg' } as const;

/** Renders one host's answer file with its family's template; pure given compiled templates. */
export const renderAnswerFile = (templates: AnswerTemplates, context: HostRenderContext): RenderedAnswerFile => {
  const family = context.install.distro.family;
  return {
    host: context.host.name,
    distro: context.install.distro.id,
    family,
    fileName: `${context.host.name}.${extensionByFamily[family]}`,
    content: templates[family](context),
  };
};

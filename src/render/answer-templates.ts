import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HostRenderContext } from './host-render-context.js';
import { createRenderEnvironment, templateCompileOptions } from './handlebars-env.js';

export type AnswerTemplate = (context: HostRenderContext) => string;

/** One compiled template per installer family. */
export interface AnswerTemplates {
  rhel: AnswerTemplate;
  debian: AnswerTemplate;
}

/** Template file (under templates/) for each installer family. */
export const answerTemplateFiles = { rhel: 'kickstart.ks.hbs', debian: 'preseed.cfg.hbs' } as const;

/** Compiles template text in rootcast's environment; compilation is eager so syntax errors surface here. */
export const compileAnswerTemplate = (source: string, name: string): AnswerTemplate => {
  const env = createRenderEnvironment();
  const template = env.compile<HostRenderContext>(source, templateCompileOptions);
  return (context) => {
    try {
      return template(context);
    } catch (error) {
      throw new Error(`template ${name}: ${(error as Error).message}`, { cause: error });
    }
  };
};

/** Reads and compiles the answer-file templates (the only file reads of rendering). */
export const loadAnswerTemplates = async (templatesDir: string): Promise<AnswerTemplates> => {
  const load = async (file: string): Promise<AnswerTemplate> => {
    const source = await readFile(join(templatesDir, file), 'utf8');
    // handlebars compiles lazily (on first render); parse now so a broken template fails at load.
    checkTemplateSyntax(source, file);
    return compileAnswerTemplate(source, file);
  };
  return { rhel: await load(answerTemplateFiles.rhel), debian: await load(answerTemplateFiles.debian) };
};

const checkTemplateSyntax = (source: string, file: string): void => {
  try {
    createRenderEnvironment().precompile(source, templateCompileOptions);
  } catch (error) {
    throw new Error(`template ${file} does not parse: ${(error as Error).message}`, { cause: error });
  }
};

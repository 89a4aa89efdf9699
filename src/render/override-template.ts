// `hbs` is the AST namespace handlebars declares globally in its typings.
import { createEnvironmentWith, generalHelpers, templateCompileOptions, type RenderEnvironment } from './handlebars-env.js';
import type { OverrideContext } from './override-context.js';

/** What went wrong in one template, located in its source (1-based line; column when handlebars knows it). */
export interface TemplateProblem {
  line?: number;
  column?: number;
  /** The full variable path (`host.ip`) when the problem is a variable the context does not have. */
  variable?: string;
  message: string;
}

export type TemplateRender = { ok: true; text: string } | { ok: false; problem: TemplateProblem };

type Node = hbs.AST.Node & { loc?: hbs.AST.SourceLocation };

/** Every node of a parsed template, depth first (handlebars' AST has no public walker for plain reads). */
const nodesOf = (node: unknown): Node[] => {
  if (node === null || typeof node !== 'object') return [];
  const own = 'type' in node && typeof (node as { type: unknown }).type === 'string' ? [node as Node] : [];
  const children = Object.entries(node).flatMap(([key, value]) => (key === 'loc' ? [] : Array.isArray(value) ? value.flatMap(nodesOf) : nodesOf(value)));
  return [...own, ...children];
};

/** The variable path written at line:column (`host.ip`), which handlebars' own message shortens to `ip`. */
const variableAt = (ast: hbs.AST.Program, line: number, column: number): string | undefined => {
  const path = nodesOf(ast).find((node) => node.type === 'PathExpression' && node.loc?.start.line === line && node.loc.start.column === column);
  return (path as hbs.AST.PathExpression | undefined)?.original;
};

const parseProblem = (error: Error): TemplateProblem => {
  const located = error as Error & { lineNumber?: number; column?: number };
  const line = located.lineNumber ?? Number(/on line (\d+)/.exec(error.message)?.[1] ?? Number.NaN);
  // Handlebars appends " - line:column" and a caret drawing; keep the first line, without its location suffix.
  const message = (error.message.split('\n')[0] ?? error.message).replace(/ - \d+:\d+$/, '').replace(/^Parse error on line \d+:$/, 'parse error');
  const detail = /Expecting .*$/m.exec(error.message)?.[0];
  return {
    ...(Number.isNaN(line) ? {} : { line }),
    ...(located.column === undefined ? {} : { column: located.column + 1 }),
    message: detail === undefined ? message : `${message}: ${detail}`,
  };
};

/** Partials would read other templates by name: an override template is one file, rendered from the context alone. */
const partialProblem = (ast: hbs.AST.Program): TemplateProblem | undefined => {
  const partial = nodesOf(ast).find((node) => node.type === 'PartialStatement' || node.type === 'PartialBlockStatement' || node.type === 'Decorator' || node.type === 'DecoratorBlock');
  if (partial === undefined) return undefined;
  return { ...(partial.loc === undefined ? {} : { line: partial.loc.start.line, column: partial.loc.start.column + 1 }), message: 'partials and decorators are not supported in override templates' };
};

/** Handlebars' built-in `log` writes to the console; an override render has no effect but its text. */
const noLog = (): never => {
  throw new Error('the log helper is not available in override templates');
};

/** The override templates' environment: the general helpers only (eq, concat, join, shq, shqList). */
export const createOverrideEnvironment = (): RenderEnvironment => createEnvironmentWith({ ...generalHelpers, log: noLog });

/**
 * Renders one override template against the host's context: strict (an unknown variable fails with
 * its full path and line), never HTML-escaped, pure. Never throws for a bad template.
 */
export const renderOverrideTemplate = (env: RenderEnvironment, source: string, context: OverrideContext): TemplateRender => {
  let ast: hbs.AST.Program;
  try {
    ast = env.parse(source);
  } catch (error) {
    return { ok: false, problem: parseProblem(error as Error) };
  }
  const partial = partialProblem(ast);
  if (partial !== undefined) return { ok: false, problem: partial };
  try {
    return { ok: true, text: env.compile<OverrideContext>(ast, templateCompileOptions)(context) };
  } catch (error) {
    const problem = parseProblem(error as Error);
    const missing = /^"([^"]+)" not defined in /.exec(problem.message);
    if (missing === null || problem.line === undefined || problem.column === undefined) return { ok: false, problem };
    const variable = variableAt(ast, problem.line, problem.column - 1) ?? missing[1] ?? '';
    return { ok: false, problem: { ...problem, variable, message: `unknown variable ${variable}` } };
  }
};

import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { RsyncdConfig } from './rsyncd-plan.js';
import { packageFile } from '../package/package-root.js';

export type RsyncdConfTemplate = (config: RsyncdConfig) => string;

/** Compiles templates/rsyncd.conf.hbs in its own environment; strict, so a misspelt field is an error, not an empty line. */
export const compileRsyncdConfTemplate = (source: string = readFileSync(packageFile('templates', 'rsyncd.conf.hbs'), 'utf8')): RsyncdConfTemplate => {
  const env = Handlebars.create();
  return env.compile<RsyncdConfig>(source, { noEscape: true, strict: true });
};

import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { RsyncdConfig } from './rsyncd-plan.js';
import { packageFile } from '../package-root.js';
import type { ServeFleet } from './serve-fleet.js';
import { installTokenFor } from './install-token.js';

export type RsyncdConfTemplate = (config: RsyncdConfig) => string;

/** Compiles templates/rsyncd.conf.hbs in its own environment; strict, so a misspelt field is an error, not an empty line. */
export const compileRsyncdConfTemplate = (source: string = readFileSync(packageFile('templates', 'rsyncd.conf.hbs'), 'utf8')): RsyncdConfTemplate => {
  const env = Handlebars.create();
  return env.compile<RsyncdConfig>(source, { noEscape: true, strict: true });
};

/** `host:token` lines, one per fleet host (the file must be mode 600: rsync's strict modes refuses it otherwise). */
export const renderRsyncdSecrets = (fleet: ServeFleet, secret: Buffer): string =>
  fleet.hosts
    .map((host) => `${host.name}:${installTokenFor(secret, host.name)}\n`)
    .sort()
    .join('');

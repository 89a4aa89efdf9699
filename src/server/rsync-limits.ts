import { RootcastError } from '../errors/rootcast-error.js';
import type { RsyncConnectionLimits } from '../sys/rsync-admission.js';

export interface RsyncLimitOptions {
  perClient?: string | undefined;
  total?: string | undefined;
  authTimeout?: string | undefined;
}

const wholeNumber = (text: string, option: string, problems: string[]): number | undefined => {
  if (/^[1-9]\d{0,5}$/.test(text)) return Number(text);
  problems.push(`${option} "${text}" is not a whole number from 1`);
  return undefined;
};

/** Checks serve's --rsync-max* options (usage errors, 64, every problem at once); unset ones keep their defaults. */
export const parseRsyncLimits = (options: RsyncLimitOptions): Partial<RsyncConnectionLimits> => {
  const problems: string[] = [];
  const perClient = options.perClient === undefined ? undefined : wholeNumber(options.perClient, '--rsync-max-per-client', problems);
  const total = options.total === undefined ? undefined : wholeNumber(options.total, '--rsync-max', problems);
  const seconds = options.authTimeout === undefined ? undefined : wholeNumber(options.authTimeout, '--rsync-auth-timeout', problems);
  if (perClient !== undefined && total !== undefined && perClient > total) problems.push(`--rsync-max-per-client ${perClient} is more than --rsync-max ${total}`);
  if (problems.length > 0) {
    throw new RootcastError('USAGE', problems.join('; '), { hint: 'e.g. --rsync-max-per-client 4 --rsync-max 64 --rsync-auth-timeout 10' });
  }
  return {
    ...(perClient === undefined ? {} : { perClient }),
    ...(total === undefined ? {} : { total }),
    ...(seconds === undefined ? {} : { preAuthMs: seconds * 1000 }),
  };
};

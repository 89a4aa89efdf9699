import { RootcastError } from '../errors/rootcast-error.js';
import type { WebSeedPacing } from './start-server.js';

/** Checks serve's --web-seed-resend-rate (a usage error, 64); unset keeps pacing off. */
export const parseWebSeedPacing = (resendRate: string | undefined): WebSeedPacing => {
  if (resendRate === undefined) return {};
  if (!/^(0|[1-9]\d{0,5})(\.\d{1,3})?$/.test(resendRate)) {
    throw new RootcastError('USAGE', `--web-seed-resend-rate "${resendRate}" is not a number of Mbit/s`, { hint: 'e.g. --web-seed-resend-rate 20 (0: no pacing)' });
  }
  return { resendMbit: Number(resendRate) };
};

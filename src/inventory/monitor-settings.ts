import { parseDuration } from './duration.js';
import type { RawMonitorSettings } from './schema.js';
import type { Inventory } from './types.js';

/** Below this a healthy runner (it reports every 2 s) could look stalled on a loaded network. */
export const minStallMs = 10_000;

/** serve's monitor settings from the inventory, in the units serve uses (each absent one keeps serve's default). */
export interface MonitorSettings {
  retention: { keepInstalls?: number; maxHostBytes?: number };
  stall: { runnerMs?: number; installerMs?: number };
}

/** Why a stall threshold is unusable, or undefined (the validator reports it with its place). */
export const stallThresholdProblem = (text: string): string | undefined => {
  const parsed = parseDuration(text);
  if (!parsed.ok) return parsed.problem;
  return parsed.ms < minStallMs ? `"${text}" is shorter than 10s: the runner reports every 2 s, so a healthy host would show as stalled` : undefined;
};

const durationMs = (text: string | undefined): number | undefined => {
  if (text === undefined || stallThresholdProblem(text) !== undefined) return undefined;
  const parsed = parseDuration(text);
  return parsed.ok ? parsed.ms : undefined;
};

/** The monitor settings of a validated inventory (pure); docs/monitor.md "Settings". */
export const monitorSettingsOf = (inventory: Pick<Inventory, 'server'>): MonitorSettings => {
  const raw: RawMonitorSettings = inventory.server?.monitor ?? {};
  const runnerMs = durationMs(raw.stalledAfter);
  const installerMs = durationMs(raw.installerStalledAfter);
  return {
    retention: {
      ...(raw.keepInstalls === undefined ? {} : { keepInstalls: raw.keepInstalls }),
      ...(raw.hostLogMiB === undefined ? {} : { maxHostBytes: raw.hostLogMiB * 1024 * 1024 }),
    },
    stall: { ...(runnerMs === undefined ? {} : { runnerMs }), ...(installerMs === undefined ? {} : { installerMs }) },
  };
};

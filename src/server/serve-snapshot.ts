import type { ResolvedVersion } from '../image/versions.js';
import { defaultInstallTokenLifetimeMs, type InstallAccessPolicy } from '../inventory/install-access.js';
import type { MonitorSettings } from '../inventory/monitor-settings.js';
import type { ReadPxeNext } from './pxe-next-cache.js';
import type { HostOverridesRequest } from '../overrides/host-overrides.js';
import type { AnswerKind } from './routes.js';
import type { ServeFleet } from './serve-fleet.js';

/** Renders a host's answer file from the snapshot it belongs to; serve hands it the install token to embed. */
export type RenderAnswerFile = (kind: AnswerKind, host: string, context: { installToken: string }) => Promise<string>;

/**
 * Everything serve answers from, read once at start and on SIGHUP: the fleet, the answer-file
 * renderer over the same inventory, and who may fetch what. Answer files and deploy instructions
 * therefore always agree on one inventory.
 */
export interface ServeSnapshot {
  fleet: ServeFleet;
  renderAnswerFile: RenderAnswerFile;
  /** @default any client, 24 h tokens (embedders and tests without an inventory) */
  access?: InstallAccessPolicy;
  /** The inventory's `server.monitor`: event retention and stall thresholds, over startServer's monitor options. @default those options */
  monitor?: MonitorSettings;
  /** Each host's next PXE boot, read fresh on every call; only when the inventory has a `pxe:` block. @default no PXE column */
  pxeNext?: ReadPxeNext;
  /**
   * What the host's override layers are resolved from when it deploys `version` (the same inventory as
   * `fleet`); undefined for a host serve offers no overrides. @default no overrides for any host
   */
  overridesRequest?: (host: string, version: ResolvedVersion) => Promise<HostOverridesRequest | undefined>;
}

export const openAccessPolicy: InstallAccessPolicy = {
  installTokenLifetimeMs: defaultInstallTokenLifetimeMs,
  answerFileClients: { kind: 'any', why: 'configured' },
};

/** What serve says at start and reload about a policy an admin should know is wide open. */
export const accessWarnings = (access: InstallAccessPolicy): string[] =>
  access.answerFileClients.kind === 'any' && access.answerFileClients.why === 'no-networks'
    ? ['the inventory defines no networks and no server.answerFileClients: answer files (which carry install tokens) are served to any address; set server.answerFileClients (or "any" to silence this)']
    : [];

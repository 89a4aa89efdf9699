import { loadAnswerAssets, type AnswerAssets } from '../../answer/answer-assets.js';
import { planAnswerFiles } from '../../answer/answer-file-plan.js';
import { answerInputsFromInventory } from '../../answer/inventory-inputs.js';
import { installAccessPolicy } from '../../inventory/install-access.js';
import { loadInventory } from '../../inventory/load.js';
import { monitorSettingsOf } from '../../inventory/monitor-settings.js';
import { resolveHosts } from '../../inventory/resolve.js';
import { servedIdentityDir } from '../../overrides/identity-layer.js';
import { overridesRequestWithIdentity } from '../../overrides/inventory-request.js';
import { readPxeNext } from '../../monitor/read-pxe-next.js';
import { fleetFromInventory } from '../../server/inventory-fleet.js';
import type { CommandContext } from '../context.js';
import type { ServeWiring } from './serve.js';

/** Profiles and templates are read once per serve process (they ship with rootcast; SIGHUP reloads the inventory only). */
const cachedAssets = (): (() => Promise<AnswerAssets>) => {
  let assets: Promise<AnswerAssets> | undefined;
  return () => (assets ??= loadAnswerAssets());
};

/** serve's snapshot: one read of the inventory (at start and on SIGHUP) behind the fleet, the answer files, the access policy and the override layers. */
export const inventoryServeWiring = (): ServeWiring => {
  const assets = cachedAssets();
  return {
    serverUrl: async (ctx: CommandContext) => (await loadInventory(ctx.paths)).validation.inventory.server?.url,
    loadSnapshot: (ctx: CommandContext) => async () => {
      const { file, validation } = await loadInventory(ctx.paths);
      const inventory = validation.inventory;
      const { catalog, templates } = await assets();
      const hosts = resolveHosts(inventory);
      const { fleet, skipped } = fleetFromInventory(hosts, catalog);
      for (const reason of skipped) ctx.stderr.write(`serve: not serving ${reason}\n`);
      return {
        fleet,
        access: installAccessPolicy(inventory),
        monitor: monitorSettingsOf(inventory),
        ...(inventory.pxe === undefined
          ? {}
          : { pxeNext: () => readPxeNext(ctx.paths, { hosts, installers: inventory.pxe?.installers ?? {}, families: new Map([...catalog.values()].map((profile) => [profile.id, profile.family])) }) }),
        overridesRequest: async (name, version) => {
          const host = hosts.find((candidate) => candidate.name === name);
          return host === undefined ? undefined : overridesRequestWithIdentity(ctx.paths, inventory, host, version, servedIdentityDir(ctx.paths));
        },
        renderAnswerFile: async (kind, host, { installToken }) => {
          const inputs = await answerInputsFromInventory(inventory, file, ctx.paths, { kind: 'host', name: host }, async () => installToken);
          return planAnswerFiles(inputs, catalog, templates, { kind })[0]?.content ?? '';
        },
      };
    },
  };
};

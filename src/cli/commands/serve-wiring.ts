import { loadAnswerAssets, type AnswerAssets } from '../../answer/answer-assets.js';
import { planAnswerFiles } from '../../answer/answer-file-plan.js';
import { loadAnswerInputsFromInventory } from '../../answer/inventory-inputs.js';
import { loadInventory } from '../../inventory/load.js';
import { resolveHosts } from '../../inventory/resolve.js';
import { fleetFromInventory } from '../../server/inventory-fleet.js';
import type { CommandContext } from '../context.js';
import type { ServeWiring } from './serve.js';

/** Profiles and templates are read once per serve process (they ship with rootcast; SIGHUP reloads the inventory only). */
const cachedAssets = (): (() => Promise<AnswerAssets>) => {
  let assets: Promise<AnswerAssets> | undefined;
  return () => (assets ??= loadAnswerAssets());
};

/** serve's data sources: the inventory (re-read on every load, i.e. at start and on SIGHUP) and the answer-file renderer. */
export const inventoryServeWiring = (): ServeWiring => {
  const assets = cachedAssets();
  return {
    loadFleet: (ctx: CommandContext) => async () => {
      const { validation } = await loadInventory(ctx.paths);
      const { fleet, skipped } = fleetFromInventory(resolveHosts(validation.inventory), (await assets()).catalog);
      for (const reason of skipped) ctx.stderr.write(`serve: not serving ${reason}\n`);
      return fleet;
    },
    renderAnswerFile: (ctx: CommandContext) => async (kind, host, { installToken }) => {
      const { catalog, templates } = await assets();
      // The token serve authenticates with, not a fresh read of the secret file (which may have been recreated since).
      const inputs = await loadAnswerInputsFromInventory(ctx, { kind: 'host', name: host }, async () => installToken);
      return planAnswerFiles(inputs, catalog, templates, { kind })[0]?.content ?? '';
    },
  };
};

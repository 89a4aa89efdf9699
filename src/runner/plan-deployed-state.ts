/** The host's /etc/rootcast/deployed.json after a delivery, pure: the previous file's text in, the new state out. */
import type { DeployInstructions } from '../protocol/deploy-protocol.js';
import { deployedStateSchema, recordDelivery, type DeployedDelivery, type DeployedState } from '../protocol/deployed-state.js';
import type { DeliveryVia } from '../protocol/host-event.js';

/** The delivery the instructions describe, without its time (known only once it finished). */
export const deliveryOf = (instructions: DeployInstructions, via: DeliveryVia): Omit<DeployedDelivery, 'at'> => ({
  image: instructions.image,
  version: instructions.version,
  ref: instructions.ref,
  via,
  overrides: instructions.overrides === undefined
    ? null
    : { layers: instructions.overrides.layers.map(({ layer, digest }) => ({ layer, digest })), treeDigest: instructions.overrides.treeDigest },
});

export interface NextDeployedState {
  state: DeployedState;
  /** Why the previous file's history was not kept (it did not parse), for the log. */
  note?: string;
}

/** The state with this delivery current; a previous file that is not a valid record starts a fresh history (noted). */
export const nextDeployedState = (previousText: string | undefined, host: string, server: string, delivery: DeployedDelivery): NextDeployedState => {
  if (previousText === undefined) return { state: recordDelivery(undefined, host, server, delivery) };
  let parsed: ReturnType<typeof deployedStateSchema.safeParse> | undefined;
  try {
    parsed = deployedStateSchema.safeParse(JSON.parse(previousText));
  } catch {
    parsed = undefined;
  }
  if (parsed?.success === true) return { state: recordDelivery(parsed.data, host, server, delivery) };
  return { state: recordDelivery(undefined, host, server, delivery), note: 'the previous deployed.json is not a valid record: its history is not kept' };
};

/** The file's text: two-space JSON and a final newline. */
export const formatDeployedState = (state: DeployedState): string => `${JSON.stringify(state, null, 2)}\n`;

import { z } from 'zod';
import { deliveryVias } from './host-event.js';

/**
 * What rootcast put on a host, written by the runner (install) and by update/push on the host itself:
 * the host's own answer to "what am I running", readable without the server. The server keeps its
 * own record (src/state/host-record.ts); the two are compared to find drift and rollback targets.
 */
export const deployedStatePath = '/etc/rootcast/deployed.json';

/** Earlier deliveries kept in the file, newest first. */
export const maxDeployedHistory = 10;

const digest = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'a sha256:<64 hex> digest');

const deliverySchema = z
  .object({
    image: z.string().min(1),
    version: z.number().int().positive(),
    /** "web@3" */
    ref: z.string().min(1),
    via: z.enum(deliveryVias),
    /** ISO time the delivery finished. */
    at: z.string().datetime({ offset: true }),
    /** The override layers delivered with the version, null when serve had none for the host. */
    overrides: z.object({ layers: z.array(z.object({ layer: z.string().min(1), digest }).strict()), treeDigest: digest }).strict().nullable(),
  })
  .strict();
export type DeployedDelivery = z.infer<typeof deliverySchema>;

export const deployedStateSchema = z
  .object({
    formatVersion: z.literal(1),
    host: z.string().min(1),
    /** The server URL the delivery came from. */
    server: z.string().min(1),
    current: deliverySchema,
    /** Earlier deliveries, newest first, at most maxDeployedHistory. */
    history: z.array(deliverySchema).max(maxDeployedHistory),
  })
  .strict();
export type DeployedState = z.infer<typeof deployedStateSchema>;

/** The state after a delivery: the new one current, the previous current first in the history. */
export const recordDelivery = (previous: DeployedState | undefined, host: string, server: string, delivery: DeployedDelivery): DeployedState => ({
  formatVersion: 1,
  host,
  server,
  current: delivery,
  history: previous === undefined ? [] : [previous.current, ...previous.history].slice(0, maxDeployedHistory),
});

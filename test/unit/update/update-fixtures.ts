import type { UpdateInstructions } from '../../../src/protocol/update-protocol.js';
import type { HostUpdateFacts } from '../../../src/update/host-facts.js';
import { deployInstructions } from '../runner/deploy-fixtures.js';

/** What serve answers web07's update to web@2: the install's instructions, no layer owners. */
export const updateInstructions = (): UpdateInstructions => ({ ...deployInstructions({ ref: 'web@2', postDeploy: undefined }), assigned: 'web@2', owners: [] });

/** A host as the update reads it before its first update: nothing excluded, mounted, swapped or linked. */
export const hostUpdateFacts = (overrides: Partial<HostUpdateFacts> = {}): HostUpdateFacts => ({
  root: '/',
  client: { server: 'http://s:8780', host: 'web07', rsyncUser: 'host.web07' },
  credential: 'h1-secret',
  deployed: undefined,
  marker: undefined,
  adminExcludes: [],
  foreignMounts: [],
  swapFiles: [],
  linkedDataDirs: [],
  ...overrides,
});

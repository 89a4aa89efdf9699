import type { DeployedOverrides, HostRecord } from './host-record.js';

/** `identity/web07 3f2a9c1b0d4e, all 77aa01…`: each layer with the start of its digest. */
const layersText = (overrides: DeployedOverrides): string =>
  overrides.layers.map(({ layer, digest }) => `${layer} ${digest.replace(/^sha256:/, '').slice(0, 12)}`).join(', ');

/** `host show` rows for what a host runs (pure): label and text. */
export const hostRecordRows = (record: HostRecord): [string, string][] => [
  ['deployed', record.deployed === undefined ? '- (no install has reported done)' : `${record.deployed.ref} (${record.deployed.via}, ${record.deployed.at})`],
  ...(record.deployed?.overrides === undefined ? [] : [['layers', layersText(record.deployed.overrides)] as [string, string]]),
  ...(record.deploying === undefined ? [] : [['deploying', `${record.deploying.ref} (${record.deploying.via} since ${record.deploying.since})`] as [string, string]]),
  ...(record.last === undefined
    ? []
    : [['last', `${record.last.result} ${record.last.via} of ${record.last.ref} at ${record.last.at}${record.last.message === undefined ? '' : `: ${record.last.message}`}`] as [string, string]]),
  ...(record.previous.length === 0 ? [] : [['rollback', record.previous.map((old) => old.ref).join(', ')] as [string, string]]),
];

import type { DeployedOverrides, HostRecord } from './host-record.js';

/** `identity/web07 3f2a9c1b0d4e, all 77aa01…`: each layer with the start of its digest. */
const layersText = (overrides: DeployedOverrides): string =>
  overrides.layers.map(({ layer, digest }) => `${layer} ${digest.replace(/^sha256:/, '').slice(0, 12)}`).join(', ');

/** `, 3 files, 12 KiB, reboot needed` when the delivery reported what it changed. */
const outcomeText = (last: NonNullable<HostRecord['last']>): string =>
  last.files === undefined ? '' : `, ${last.files} file${last.files === 1 ? '' : 's'} changed, ${last.bytes ?? 0} bytes${last.rebootNeeded === true ? ', reboot needed' : ''}`;

/** `host show` rows for what a host runs (pure): label and text. */
export const hostRecordRows = (record: HostRecord): [string, string][] => [
  ['deployed', record.deployed === undefined ? '- (no install has reported done)' : `${record.deployed.ref} (${record.deployed.via}, ${record.deployed.at})`],
  ...(record.deployed?.overrides === undefined ? [] : [['layers', layersText(record.deployed.overrides)] as [string, string]]),
  ...(record.deploying === undefined ? [] : [['deploying', `${record.deploying.ref} (${record.deploying.via} since ${record.deploying.since})`] as [string, string]]),
  ...(record.last === undefined
    ? []
    : [['last', `${record.last.result} ${record.last.via} of ${record.last.ref}${record.last.from === undefined ? '' : ` (from ${record.last.from})`} at ${record.last.at}${outcomeText(record.last)}${record.last.message === undefined ? '' : `: ${record.last.message}`}`] as [string, string]]),
  ...(record.previous.length === 0 ? [] : [['rollback', record.previous.map((old) => old.ref).join(', ')] as [string, string]]),
];

/** `host list` columns DEPLOYED and LAST (pure): `web@8 (reboot needed)`, `failed push of web@9`. */
export const hostRecordColumns = (record: HostRecord | undefined): [string, string] => {
  const reboot = record?.last?.rebootNeeded === true && record.last.ref === record.deployed?.ref ? ' (reboot needed)' : '';
  const deployed = record?.deployed === undefined ? '-' : `${record.deployed.ref}${reboot}`;
  const last = record?.last === undefined ? '-' : `${record.last.result} ${record.last.via} of ${record.last.ref}`;
  return [deployed, last];
};

import type { HomePaths } from '../home/paths.js';
import { versionsHeldBy } from '../state/host-record.js';
import { readHostRecords } from '../state/host-record-store.js';
import { collectHolders, type VersionHolders } from './version-holders.js';

/** Reads serve's host records: the hosts per version of one image that run it, are being given it, or keep it for rollback. */
export const readVersionHolders = async (paths: HomePaths, image: string): Promise<Map<number, VersionHolders>> =>
  collectHolders(image, (await readHostRecords(paths)).map((record) => ({ host: record.host, held: versionsHeldBy(record) })));

import { join } from 'node:path';

/** Where rootcast keeps everything; built once from --home / ROOTCAST_HOME and passed to every part. */
export interface HomePaths {
  home: string;
  /** The YAML inventory (`rootcast.yaml`). */
  inventoryFile: string;
  imagesDir: string;
  overridesDir: string;
  stateDir: string;
}

export const defaultHome = '/var/lib/rootcast';
export const defaultInventoryFile = '/etc/rootcast/rootcast.yaml';

export interface HomeSelection {
  /** --home DIR */
  home?: string | undefined;
  /** ROOTCAST_HOME */
  envHome?: string | undefined;
}

/** With an explicit home everything (inventory included) lives under it; otherwise the FHS defaults apply. */
export const resolveHomePaths = (selection: HomeSelection): HomePaths => {
  const explicit = selection.home ?? (selection.envHome === '' ? undefined : selection.envHome);
  const home = explicit ?? defaultHome;
  return {
    home,
    inventoryFile: explicit === undefined ? defaultInventoryFile : join(explicit, 'rootcast.yaml'),
    imagesDir: join(home, 'images'),
    overridesDir: join(home, 'overrides'),
    stateDir: join(home, 'state'),
  };
};

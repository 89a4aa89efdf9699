/** How a host's first install moves the image (`install.transport`, docs/fanout.md). */
export const transportModes = ['rsync', 'torrent', 'auto'] as const;
export type TransportMode = (typeof transportModes)[number];

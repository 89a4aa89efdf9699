import type { DiskEntry } from '../image/manifest.js';

interface LsblkDevice {
  name?: unknown;
  type?: unknown;
  size?: unknown;
  fstype?: unknown;
  mountpoint?: unknown;
  uuid?: unknown;
  children?: unknown;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

const flatten = (devices: unknown): DiskEntry[] => {
  if (!Array.isArray(devices)) return [];
  return (devices as LsblkDevice[]).flatMap((device) => {
    const name = text(device.name);
    if (name === undefined) return [];
    const fsType = text(device.fstype);
    const mountPoint = text(device.mountpoint);
    const uuid = text(device.uuid);
    const entry: DiskEntry = {
      name,
      type: text(device.type) ?? 'unknown',
      // Older lsblk prints sizes as strings even with -b.
      sizeBytes: Number(device.size ?? 0) || 0,
      ...(fsType === undefined ? {} : { fsType }),
      ...(mountPoint === undefined ? {} : { mountPoint }),
      ...(uuid === undefined ? {} : { uuid }),
    };
    return [entry, ...flatten(device.children)];
  });
};

/** Parses `lsblk -J -b -o NAME,TYPE,SIZE,FSTYPE,MOUNTPOINT,UUID`; "" or garbage (no lsblk) gives no disks. */
export const parseLsblk = (json: string): DiskEntry[] => {
  if (json.trim() === '') return [];
  try {
    return flatten((JSON.parse(json) as { blockdevices?: unknown }).blockdevices);
  } catch {
    return [];
  }
};

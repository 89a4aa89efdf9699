import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * systemd-networkd installed and enabled in an image root: the footprint identity planning needs
 * to write a host's network (docs/identity.md). Fixtures that are not about the network use it.
 */
export const writeNetworkdFootprint = async (root: string): Promise<void> => {
  const daemon = join(root, 'usr/lib/systemd/systemd-networkd');
  const unit = join(root, 'usr/lib/systemd/system/systemd-networkd.service');
  const wants = join(root, 'etc/systemd/system/multi-user.target.wants/systemd-networkd.service');
  for (const path of [daemon, unit, wants]) await mkdir(dirname(path), { recursive: true });
  await writeFile(daemon, '');
  await writeFile(unit, '[Unit]\n');
  await symlink('/usr/lib/systemd/system/systemd-networkd.service', wants);
};

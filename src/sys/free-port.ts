import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';

/** A TCP port that was free a moment ago on ADDRESS: for daemons (rsync, sshd) that cannot report the port they picked. */
export const freePort = async (address = '127.0.0.1'): Promise<number> => {
  const probe = createServer().listen(0, address);
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  probe.close();
  await once(probe, 'close');
  return port;
};

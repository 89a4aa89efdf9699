import { RootcastError } from '../errors/rootcast-error.js';
import type { FileOp } from './identity-input.js';
import { entryAt, type RootSnapshot } from './root-snapshot.js';

export const machineIdPath = 'etc/machine-id';
export const dbusMachineIdPath = 'var/lib/dbus/machine-id';

/** Random bytes, passed in so planning stays pure and tests repeatable. */
export type RandomBytes = (size: number) => Uint8Array;

/** 32 lowercase hex digits with the UUID v4 bits set, as systemd's own generator makes them. */
export const newMachineId = (randomBytes: RandomBytes): string => {
  const bytes = Uint8Array.from(randomBytes(16).subarray(0, 16));
  if (bytes.length !== 16) throw new RootcastError('INTERNAL', `the random source gave ${bytes.length} bytes for a machine id; 16 are needed`);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  return Buffer.from(bytes).toString('hex');
};

/**
 * A fresh /etc/machine-id for this clone, and D-Bus's copy the way the image keeps it: a symlink
 * stays (it points at the new id), a file gets the same id, and where capture left none but D-Bus
 * is installed a symlink to /etc/machine-id is made, as dbus and systemd-machine-id-setup do.
 */
export const planMachineId = (snapshot: RootSnapshot, randomBytes: RandomBytes): FileOp[] => {
  const id = `${newMachineId(randomBytes)}\n`;
  const ops: FileOp[] = [{ op: 'write', path: machineIdPath, content: id, mode: 0o444, why: 'a machine id of its own for this clone' }];
  const dbus = entryAt(snapshot, dbusMachineIdPath);
  if (dbus?.kind === 'file') ops.push({ op: 'write', path: dbusMachineIdPath, content: id, mode: dbus.mode, why: "D-Bus's copy of the machine id (the image keeps a file)" });
  else if (dbus === undefined && entryAt(snapshot, 'var/lib/dbus')?.kind === 'dir') {
    ops.push({ op: 'symlink', path: dbusMachineIdPath, target: `/${machineIdPath}`, why: "D-Bus reads the machine id through this link" });
  }
  return ops;
};

/** TFTP wire format (RFC 1350) with option negotiation (RFC 2347: blksize 2348, timeout and tsize 2349); pure. */

export const tftpOpcodes = { rrq: 1, wrq: 2, data: 3, ack: 4, error: 5, oack: 6 } as const;

/** RFC 1350 error codes rootcast sends. */
export const tftpErrors = { notDefined: 0, fileNotFound: 1, accessViolation: 2, illegalOperation: 4, optionRefused: 8 } as const;

export interface TftpRequest {
  opcode: number;
  file: string;
  mode: string;
  /** Option names lower-cased, values as sent. */
  options: Record<string, string>;
}

/** An RRQ/WRQ: `opcode file\0 mode\0 [name\0 value\0]...`; undefined when malformed. */
export const parseTftpRequest = (packet: Buffer): TftpRequest | undefined => {
  if (packet.length < 4) return undefined;
  const opcode = packet.readUInt16BE(0);
  const fields = packet.subarray(2).toString('latin1').split('\0');
  // A well-formed request ends with NUL, so the last field is empty.
  if (fields.pop() !== '' || fields.length < 2 || fields.length % 2 !== 0) return undefined;
  const [file = '', mode = '', ...rest] = fields;
  const options: Record<string, string> = {};
  for (let index = 0; index < rest.length; index += 2) options[(rest[index] ?? '').toLowerCase()] = rest[index + 1] ?? '';
  return { opcode, file, mode: mode.toLowerCase(), options };
};

export const dataPacket = (block: number, data: Buffer): Buffer => {
  const header = Buffer.alloc(4);
  header.writeUInt16BE(tftpOpcodes.data, 0);
  header.writeUInt16BE(block & 0xffff, 2);
  return Buffer.concat([header, data]);
};

export const errorPacket = (code: number, message: string): Buffer => {
  const header = Buffer.alloc(4);
  header.writeUInt16BE(tftpOpcodes.error, 0);
  header.writeUInt16BE(code, 2);
  return Buffer.concat([header, Buffer.from(`${message}\0`, 'latin1')]);
};

export const oackPacket = (options: Record<string, string>): Buffer =>
  Buffer.concat([Buffer.from([0, tftpOpcodes.oack]), Buffer.from(Object.entries(options).map(([name, value]) => `${name}\0${value}\0`).join(''), 'latin1')]);

/** `{opcode, block}` of an ACK (or the opcode of anything else). */
export const parseAck = (packet: Buffer): { opcode: number; block: number } =>
  packet.length >= 4 ? { opcode: packet.readUInt16BE(0), block: packet.readUInt16BE(2) } : { opcode: -1, block: -1 };

export interface NegotiatedOptions {
  blockSize: number;
  timeoutMs: number;
  /** The options to acknowledge in an OACK (empty: send data right away). */
  accepted: Record<string, string>;
}

/** Which requested options the server takes, and the transfer settings they give (RFC 2347-2349). */
export const negotiateOptions = (requested: Record<string, string>, fileSize: number, defaultTimeoutMs: number): NegotiatedOptions => {
  const accepted: Record<string, string> = {};
  let blockSize = 512;
  let timeoutMs = defaultTimeoutMs;
  const blksize = Number(requested['blksize']);
  if (Number.isInteger(blksize) && blksize >= 8) {
    blockSize = Math.min(blksize, 65464);
    accepted['blksize'] = String(blockSize);
  }
  const timeout = Number(requested['timeout']);
  if (Number.isInteger(timeout) && timeout >= 1 && timeout <= 255) {
    timeoutMs = timeout * 1000;
    accepted['timeout'] = String(timeout);
  }
  if (requested['tsize'] !== undefined) accepted['tsize'] = String(fileSize);
  return { blockSize, timeoutMs, accepted };
};

/** A bencoded value (BEP 3): byte strings, integers, lists and dictionaries. */
export type Bencoded = Buffer | string | number | bigint | readonly Bencoded[] | { readonly [key: string]: Bencoded };

const isDictionary = (value: Bencoded): value is { readonly [key: string]: Bencoded } =>
  typeof value === 'object' && !Buffer.isBuffer(value) && !Array.isArray(value);

/** Pure: encodes a value; dictionary keys are sorted by their raw bytes, as BEP 3 requires (the info hash depends on it). */
export const bencode = (value: Bencoded): Buffer => {
  const parts: Buffer[] = [];
  const add = (item: Bencoded): void => {
    if (Buffer.isBuffer(item)) parts.push(Buffer.from(`${item.length}:`), item);
    else if (typeof item === 'string') add(Buffer.from(item, 'utf8'));
    else if (typeof item === 'number' || typeof item === 'bigint') {
      if (typeof item === 'number' && !Number.isSafeInteger(item)) throw new Error(`bencode: ${item} is not a whole number`);
      parts.push(Buffer.from(`i${item}e`));
    } else if (Array.isArray(item)) {
      parts.push(Buffer.from('l'));
      (item as readonly Bencoded[]).forEach(add);
      parts.push(Buffer.from('e'));
    } else if (isDictionary(item)) {
      parts.push(Buffer.from('d'));
      const keys = Object.keys(item).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      for (const key of keys) {
        add(key);
        add(item[key] as Bencoded);
      }
      parts.push(Buffer.from('e'));
    }
  };
  add(value);
  return Buffer.concat(parts);
};

/** A decoded value: strings stay bytes (info hashes and piece lists are binary). */
export type Decoded = Buffer | bigint | Decoded[] | Map<string, Decoded>;

/** Pure: decodes one value that must span the whole buffer; throws on anything malformed. */
export const bdecode = (data: Buffer): Decoded => {
  let at = 0;
  const fail = (what: string): never => {
    throw new Error(`bdecode: ${what} at byte ${at}`);
  };
  const readUntil = (stop: number): string => {
    const end = data.indexOf(stop, at);
    if (end < 0) fail('unterminated number');
    const text = data.subarray(at, end).toString('latin1');
    at = end + 1;
    return text;
  };
  const value = (): Decoded => {
    const head = data[at];
    if (head === undefined) return fail('unexpected end');
    if (head === 0x69) {
      at += 1;
      const text = readUntil(0x65);
      if (!/^(0|-?[1-9]\d*)$/.test(text)) fail(`bad integer "${text}"`);
      return BigInt(text);
    }
    if (head === 0x6c || head === 0x64) {
      at += 1;
      const items: Decoded[] = [];
      while (data[at] !== 0x65) {
        if (at >= data.length) fail('unterminated list');
        items.push(value());
      }
      at += 1;
      if (head === 0x6c) return items;
      const map = new Map<string, Decoded>();
      for (let index = 0; index < items.length; index += 2) {
        const key = items[index];
        if (!Buffer.isBuffer(key) || index + 1 >= items.length) fail('bad dictionary');
        map.set((key as Buffer).toString('utf8'), items[index + 1] as Decoded);
      }
      return map;
    }
    if (head >= 0x30 && head <= 0x39) {
      const length = Number(readUntil(0x3a));
      if (!Number.isSafeInteger(length) || at + length > data.length) fail('bad string length');
      const bytes = data.subarray(at, at + length);
      at += length;
      return bytes;
    }
    return fail(`unexpected byte 0x${head.toString(16)}`);
  };
  const decoded = value();
  if (at !== data.length) fail('trailing bytes');
  return decoded;
};

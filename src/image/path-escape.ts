/** Renders a raw file name for humans: valid UTF-8 stays readable, control bytes and invalid bytes become escapes. */
export const escapePath = (raw: Buffer): string => {
  const decoded = raw.toString('utf8');
  const validUtf8 = Buffer.from(decoded, 'utf8').equals(raw);
  let out = '';
  if (validUtf8) {
    for (const char of decoded) out += escapeChar(char);
    return out;
  }
  for (const byte of raw) out += byte >= 0x80 ? hexEscape(byte) : escapeChar(String.fromCharCode(byte));
  return out;
};

const namedEscapes: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r' };

const hexEscape = (code: number): string => `\\x${code.toString(16).padStart(2, '0')}`;

const escapeChar = (char: string): string => {
  const named = namedEscapes[char];
  if (named !== undefined) return named;
  const code = char.codePointAt(0) ?? 0;
  // C0 controls and DEL would move the cursor or vanish in a terminal.
  return code < 0x20 || code === 0x7f ? hexEscape(code) : char;
};

/**
 * JSON.parse for the line every signal file is made of: one flat object whose members are all
 * known keys with plain string values, read straight from the file's bytes. V8's JSON.parse
 * interns every string value of up to ten characters (the BSN, the dates, the municipality) in
 * its string table, which at a million lines becomes the largest single cost of reading one;
 * and it needs the line decoded into a string first. Anything this reader is not sure of (an
 * escape, a byte outside printable ASCII, a number, an unknown or repeated key, any syntax it does
 * not expect) it leaves to JSON.parse, by returning null: so a line parses to exactly what
 * JSON.parse makes of it, and a bad line gets JSON.parse's verdict and the usual error.
 */
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN = 0x7b;
const CLOSE = 0x7d;

/** JSON whitespace: space, tab, line feed, carriage return. */
function skipSpace(bytes: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const b = bytes[i];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) break;
    i++;
  }
  return i;
}

/** The end of a plain string whose opening quote is at `i - 1`: printable ASCII without `"` or `\`; -1 when it is not plain. */
function plainStringEnd(bytes: Uint8Array, i: number, end: number): number {
  for (; i < end; i++) {
    const b = bytes[i];
    if (b === QUOTE) return i;
    if (b < 0x20 || b > 0x7e || b === BACKSLASH) return -1;
  }
  return -1;
}

export interface FlatJsonReader {
  /** The object the bytes `[start, end)` hold, as JSON.parse would make it; null when JSON.parse must decide. */
  parse(bytes: Buffer, start: number, end: number): Record<string, string> | null;
}

/** A reader for objects whose keys are among `keys` (printable ASCII, at most 32 of them). */
export function flatJsonReader(keys: readonly string[]): FlatJsonReader {
  if (keys.length > 32 || keys.some((k) => !/^[\x20-\x21\x23-\x5b\x5d-\x7e]+$/.test(k))) throw new Error('flat JSON reader: unsuitable keys');
  const keyBytes = keys.map((k) => Buffer.from(k, 'latin1'));

  function keyAt(bytes: Uint8Array, start: number, stop: number): number {
    const length = stop - start;
    next: for (let k = 0; k < keyBytes.length; k++) {
      const key = keyBytes[k];
      if (key.length !== length) continue;
      for (let i = 0; i < length; i++) if (key[i] !== bytes[start + i]) continue next;
      return k;
    }
    return -1;
  }

  return {
    parse(bytes, start, end) {
      // Past `end` lies the line break or the next line: every test of bytes[i] below checks i < end first.
      let i = skipSpace(bytes, start, end);
      if (i === end || bytes[i] !== OPEN) return null;
      const out: Record<string, string> = {};
      let seen = 0;
      for (;;) {
        i = skipSpace(bytes, i + 1, end);
        if (i === end || bytes[i] !== QUOTE) return null;
        const keyEnd = plainStringEnd(bytes, i + 1, end);
        if (keyEnd === -1) return null;
        const k = keyAt(bytes, i + 1, keyEnd);
        if (k === -1 || (seen & (1 << k)) !== 0) return null;
        seen |= 1 << k;
        i = skipSpace(bytes, keyEnd + 1, end);
        if (i === end || bytes[i] !== COLON) return null;
        i = skipSpace(bytes, i + 1, end);
        if (i === end || bytes[i] !== QUOTE) return null;
        const valueEnd = plainStringEnd(bytes, i + 1, end);
        if (valueEnd === -1) return null;
        out[keys[k]] = bytes.toString('latin1', i + 1, valueEnd);
        i = skipSpace(bytes, valueEnd + 1, end);
        if (i === end) return null;
        if (bytes[i] === COMMA) continue;
        if (bytes[i] !== CLOSE) return null;
        return skipSpace(bytes, i + 1, end) === end ? out : null;
      }
    },
  };
}

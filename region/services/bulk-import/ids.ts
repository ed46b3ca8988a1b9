import { randomBytes } from 'node:crypto';
import { uuid7Prefix } from '../../store/ids.js';

/**
 * Ids for rows written in bulk: UUID version 7 (RFC 9562): a 48-bit millisecond timestamp (the
 * import's start), a 26-bit counter, and 48 random bits drawn once per sequence. One import's ids
 * count up, so they are appended to the primary-key index in order instead of landing at random
 * places in it (with random UUIDs the index insert is the costliest part of a row on a
 * million-row table); one import's signals form one id range, which the audit log names; and the
 * n-th id can be told again without storing it (at(n)). Ids are not secrets in this product:
 * every read checks who may see the row.
 */
export interface IdSequence {
  next(): string;
  /** The id next() returned (or will return) as its n-th, counting from 0. */
  at(n: number): string;
  /** How many ids next() handed out. */
  readonly count: number;
}

const COUNTER_BITS = 26;
const COUNTER = 2 ** COUNTER_BITS;
/** Two hex digits per byte value, and one per nibble: at() runs once or twice per imported row. */
const HEX_BYTE = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const HEX_NIBBLE = Array.from({ length: 16 }, (_, i) => i.toString(16));

export function uuid7Sequence(startMs: number): IdSequence {
  const tail = randomBytes(6).toString('hex');
  let count = 0;
  let prefixMs = -1;
  let prefix = '';
  const at = (n: number): string => {
    const ms = startMs + Math.floor(n / COUNTER);
    if (ms !== prefixMs) {
      prefix = uuid7Prefix(ms);
      prefixMs = ms;
    }
    const c = n % COUNTER;
    // 12 counter bits in rand_a, 14 after the variant bits (10).
    const high = c >>> 14;
    const low = 0x8000 | (c & 0x3fff);
    return `${prefix}${HEX_NIBBLE[high >>> 8]}${HEX_BYTE[high & 0xff]}-${HEX_BYTE[low >>> 8]}${HEX_BYTE[low & 0xff]}-${tail}`;
  };
  return {
    next: () => at(count++),
    at,
    get count() {
      return count;
    },
  };
}

import { randomBytes } from 'node:crypto';

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

export function uuid7Sequence(startMs: number): IdSequence {
  const tail = randomBytes(6).toString('hex');
  const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
  let count = 0;
  const at = (n: number): string => {
    const ms = startMs + Math.floor(n / 2 ** COUNTER_BITS);
    const c = n % 2 ** COUNTER_BITS;
    const time = hex(ms, 12);
    // 12 counter bits in rand_a, 14 after the variant bits (10).
    return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${hex(Math.floor(c / 2 ** 14), 3)}-${hex(0x8000 | c % 2 ** 14, 4)}-${tail}`;
  };
  return {
    next: () => at(count++),
    at,
    get count() {
      return count;
    },
  };
}

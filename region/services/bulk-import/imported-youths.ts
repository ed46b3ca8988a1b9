/**
 * The youths of an import, in memory, filled as its active signals are written: so that each
 * signal's match is known when it is written, without a query that reads the new rows back (on
 * a million rows those random reads cost more than the writes). Compact: per youth the 32 bytes
 * of its blind index (the youth key is an HMAC-SHA-256, base64url in the database) as eight
 * 32-bit words, its first and last row and its match; per row its professional and the youth's
 * next row. About 50 bytes a youth, 8 a row, and a hash table of youth numbers.
 */
/** A youth key is 32 bytes: eight 32-bit words. */
export const KEY_WORDS = 8;
/** match(): the youth has no match (yet). */
export const NO_MATCH = -1;
/** The most room the index of imported youths starts with (rows); past it, it grows by doubling. */
const MAX_START_ROWS = 1 << 22;

export class ImportedYouths {
  private keys: Int32Array<ArrayBuffer>;
  private firstRowOf: Int32Array<ArrayBuffer>;
  private lastRowOf: Int32Array<ArrayBuffer>;
  private matchOf: Int32Array<ArrayBuffer>;
  private professionalOf: Int32Array<ArrayBuffer>;
  /** The next row of the same youth, or -1. */
  private nextRowOf: Int32Array<ArrayBuffer>;
  /** Per slot: a youth number, or -1. */
  private slots: Int32Array<ArrayBuffer>;
  private count = 0;
  /** The slot where find() did not find its key: where addYouth() puts that youth. */
  private vacant = -1;

  /**
   * `expectedRows`: room to start with (it grows as needed), at most MAX_START_ROWS: the guess comes
   * from the file's size, and a huge file (or a sparse one) must not claim its memory before a line
   * is read (a 100 GB file failed with a RangeError and a stack trace).
   */
  constructor(expectedRows = 1024) {
    const size = Math.max(1024, 2 ** Math.ceil(Math.log2(Math.min(expectedRows, MAX_START_ROWS))));
    this.keys = new Int32Array(KEY_WORDS * size);
    this.firstRowOf = new Int32Array(size);
    this.lastRowOf = new Int32Array(size);
    this.matchOf = new Int32Array(size);
    this.professionalOf = new Int32Array(size);
    this.nextRowOf = new Int32Array(size);
    this.slots = new Int32Array(2 * size).fill(-1);
  }

  get youths(): number {
    return this.count;
  }

  /** The number of the youth whose key is the eight words at `keys[at]`, or -1 when it has no rows yet. */
  find(keys: Int32Array, at: number): number {
    const slot = this.slotOf(keys, at);
    const youth = this.slots[slot];
    if (youth === -1) this.vacant = slot;
    return youth;
  }

  /**
   * Adds the youth that find() did not find, with its first row (rows are numbered from 0 in the
   * order written, archived ones included), or with none (-1).
   */
  addYouth(keys: Int32Array, at: number, row: number, professional: number): number {
    let slot = this.vacant;
    this.vacant = -1;
    if (slot === -1 || this.slots[slot] !== -1) throw new Error('imported youths: addYouth() without find()');
    if ((this.count + 1) * 2 > this.slots.length) {
      this.growSlots();
      slot = this.slotOf(keys, at);
    }
    const youth = this.count++;
    if (youth === this.matchOf.length) this.growYouths();
    this.keys.set(keys.subarray(at, at + KEY_WORDS), youth * KEY_WORDS);
    this.slots[slot] = youth;
    this.firstRowOf[youth] = row;
    this.lastRowOf[youth] = row;
    this.matchOf[youth] = NO_MATCH;
    if (row !== -1) this.setRow(row, professional);
    return youth;
  }

  /** Adds a later row of a youth. */
  addRow(youth: number, row: number, professional: number): void {
    this.setRow(row, professional);
    this.nextRowOf[this.lastRowOf[youth]] = row;
    this.lastRowOf[youth] = row;
  }

  /** Whether one of the youth's rows is the professional's. */
  hasProfessional(youth: number, professional: number): boolean {
    for (let r = this.firstRowOf[youth]; r !== -1; r = this.nextRowOf[r]) if (this.professionalOf[r] === professional) return true;
    return false;
  }

  firstRow(youth: number): number {
    return this.firstRowOf[youth];
  }

  match(youth: number): number {
    return this.matchOf[youth];
  }

  setMatch(youth: number, match: number): void {
    this.matchOf[youth] = match;
  }

  professional(row: number): number {
    return this.professionalOf[row];
  }

  private setRow(row: number, professional: number): void {
    if (row >= this.professionalOf.length) {
      let size = this.professionalOf.length;
      while (size <= row) size *= 2;
      this.professionalOf = widen(this.professionalOf, size);
      this.nextRowOf = widen(this.nextRowOf, size);
    }
    this.professionalOf[row] = professional;
    this.nextRowOf[row] = -1;
  }

  /** The slot of the key at `keys[at]`: the one holding its youth, or the empty one where it goes. */
  private slotOf(keys: Int32Array, at: number): number {
    const mask = this.slots.length - 1;
    // The key is an HMAC: its first word is as good a hash as any.
    for (let slot = keys[at] & mask; ; slot = (slot + 1) & mask) {
      const youth = this.slots[slot];
      if (youth === -1 || this.sameKey(youth, keys, at)) return slot;
    }
  }

  private sameKey(youth: number, keys: Int32Array, at: number): boolean {
    const own = this.keys;
    const base = youth * KEY_WORDS;
    for (let i = 0; i < KEY_WORDS; i++) if (own[base + i] !== keys[at + i]) return false;
    return true;
  }

  private growYouths(): void {
    const size = this.matchOf.length * 2;
    this.keys = widen(this.keys, KEY_WORDS * size);
    this.firstRowOf = widen(this.firstRowOf, size);
    this.lastRowOf = widen(this.lastRowOf, size);
    this.matchOf = widen(this.matchOf, size);
  }

  private growSlots(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(-1);
    for (let youth = 0; youth < this.count; youth++) this.slots[this.slotOf(this.keys, youth * KEY_WORDS)] = youth;
  }
}

function widen(a: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}

/**
 * The imported active signals grouped by youth, in memory, filled as the rows are written: so
 * that the matching after an import needs no query that reads the new rows back (on a million
 * rows those random reads cost more than the writes). Compact: per row the 32 bytes of its blind
 * index (the youth key is an HMAC-SHA-256 in base64url), the professional's number and a link to
 * the youth's next row; about 45 bytes a row, and a hash table of row numbers.
 */
const KEY_BYTES = 32;

export class YouthGroups {
  private keys = Buffer.alloc(KEY_BYTES * 1024);
  private professional = new Int32Array(1024);
  /** The row of the same youth added after this one, or -1. */
  private nextRow = new Int32Array(1024);
  /** Per slot: the youth's first row, or -1; and its last row and row count, indexed by the first row. */
  private slots = new Int32Array(2048).fill(-1);
  private lastRow = new Int32Array(1024);
  private rowsOfYouth = new Int32Array(1024);
  private youths = 0;

  /** Adds the active signal written as row `row` (rows are numbered from 0 in the order written, archived ones included). */
  add(row: number, youthKey: string, professional: number): void {
    this.ensureRow(row);
    const at = row * KEY_BYTES;
    if (this.keys.write(youthKey, at, KEY_BYTES, 'base64url') !== KEY_BYTES) throw new Error('youth key is not 32 bytes of base64url');
    this.professional[row] = professional;
    this.nextRow[row] = -1;
    if ((this.youths + 1) * 2 > this.slots.length) this.grow();
    const slot = this.find(at);
    const first = this.slots[slot];
    if (first === -1) {
      this.slots[slot] = row;
      this.lastRow[row] = row;
      this.rowsOfYouth[row] = 1;
      this.youths++;
    } else {
      this.nextRow[this.lastRow[first]] = row;
      this.lastRow[first] = row;
      this.rowsOfYouth[first]++;
    }
  }

  /** Every youth with `minRows` rows or more: its rows in the order they were added, with their professionals. */
  *groups(minRows: number): Generator<{ rows: number[]; professionals: number[] }> {
    for (const first of this.slots) {
      if (first === -1 || this.rowsOfYouth[first] < minRows) continue;
      const rows: number[] = [];
      const professionals: number[] = [];
      for (let r = first; r !== -1; r = this.nextRow[r]) {
        rows.push(r);
        professionals.push(this.professional[r]);
      }
      yield { rows, professionals };
    }
  }

  /** The youth key of a row, as stored in signals.youth_key. */
  youthKey(row: number): string {
    return this.keys.toString('base64url', row * KEY_BYTES, (row + 1) * KEY_BYTES);
  }

  /** The slot of the key at byte `at`: the one holding it, or the empty one where it goes. */
  private find(at: number): number {
    const mask = this.slots.length - 1;
    for (let slot = this.keys.readUInt32LE(at) & mask; ; slot = (slot + 1) & mask) {
      const first = this.slots[slot];
      if (first === -1) return slot;
      if (this.keys.compare(this.keys, first * KEY_BYTES, first * KEY_BYTES + KEY_BYTES, at, at + KEY_BYTES) === 0) return slot;
    }
  }

  private ensureRow(row: number): void {
    if (row < this.professional.length) return;
    let size = this.professional.length;
    while (size <= row) size *= 2;
    const keys = Buffer.alloc(KEY_BYTES * size);
    this.keys.copy(keys);
    this.keys = keys;
    const widen = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.professional = widen(this.professional);
    this.nextRow = widen(this.nextRow);
    this.lastRow = widen(this.lastRow);
    this.rowsOfYouth = widen(this.rowsOfYouth);
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2).fill(-1);
    for (const first of old) if (first !== -1) this.slots[this.find(first * KEY_BYTES)] = first;
  }
}

import type { Statement } from 'better-sqlite3';
import type { Db } from '../../store/db.js';

/**
 * Rows of one INSERT, written ROWS_PER_STATEMENT at a time by one statement with that many rows
 * of VALUES: each statement run costs a call into SQLite and its own start and reset, which for a
 * row of a dozen columns is about a third of the insert (bench/suite/02-bulk-import.bench.ts).
 * The rows are written in the order they were added; flush() writes what is left, one by one.
 * Nothing reads the rows before they are flushed, so the caller flushes before it reads them.
 */
const ROWS_PER_STATEMENT = 16;

export class BatchedInsert {
  private readonly many: Statement;
  private readonly one: Statement;
  private readonly values: unknown[];
  private readonly width: number;
  private held = 0;

  /** `head`: `INSERT INTO t (a, b, c)`; `row`: one row's VALUES, `(?, ?, 'x')`, with `width` parameters. */
  constructor(db: Db, head: string, row: string, width: number) {
    this.width = width;
    this.one = db.prepare(`${head} VALUES ${row}`);
    this.many = db.prepare(`${head} VALUES ${Array.from({ length: ROWS_PER_STATEMENT }, () => row).join(', ')}`);
    this.values = new Array<unknown>(width * ROWS_PER_STATEMENT);
  }

  /** One row: exactly `width` values, in the order of the parameters. */
  add(...row: unknown[]): void {
    if (row.length !== this.width) throw new Error(`batched insert: ${row.length} values for ${this.width} parameters`);
    const at = this.held * this.width;
    for (let i = 0; i < row.length; i++) this.values[at + i] = row[i];
    if (++this.held === ROWS_PER_STATEMENT) {
      this.many.run(this.values);
      this.held = 0;
    }
  }

  /** Writes the rows still held. */
  flush(): void {
    for (let r = 0; r < this.held; r++) this.one.run(this.values.slice(r * this.width, (r + 1) * this.width));
    this.held = 0;
  }
}

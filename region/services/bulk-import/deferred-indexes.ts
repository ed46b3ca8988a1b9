import type { Db } from '../../store/db.js';

/**
 * The secondary indexes of tables that are empty when a bulk load begins (a region's first
 * import, the migration case), dropped before the load and made again after it: CREATE INDEX
 * reads the table once and sorts, where a row-by-row load inserts each of its keys at a random
 * place in every index (at a million rows that costs twice the sort). Both happen inside the
 * caller's transaction, so a failed import rolls the drop back with everything else, and the
 * schema after the load is the schema before it: the same names and the same SQL, taken from
 * sqlite_schema. The primary keys and UNIQUE constraints of the tables themselves stay (they
 * have no SQL of their own to drop); so do the indexes of a table that holds rows already.
 *
 * While they are away, nothing may need them: the import's own queries on these tables then
 * look rows up by primary key only (the tables started empty).
 */
/** The page cache while the indexes are made, in KiB: it is also the size of the sorter's runs. */
const SORT_RUN_KIB = 2048;
/** Helper threads for the sorter. */
const SORT_THREADS = 2;

export interface DeferredIndexes {
  /** The first row that an index held back will hold is about to be written: it is dropped now and made after the load. */
  release(): void;
  /** Makes every dropped index again, in its original order. */
  rebuild(): void;
}

/**
 * `holdBack`: partial indexes that the load may well leave empty (those of archived signals, in
 * an import of active ones). They stay while the load writes no row they hold, and then cost
 * nothing, where made after the load each would read the whole table; release() drops them
 * once such a row comes.
 */
export function deferIndexesOfEmptyTables(db: Db, tables: readonly string[], holdBack: (sql: string) => boolean = () => false): DeferredIndexes {
  const isEmpty = (table: string): boolean => db.prepare(`SELECT NOT EXISTS (SELECT 1 FROM "${table}")`).pluck().get() === 1;
  if (!tables.every(isEmpty)) return { release: () => {}, rebuild: () => {} };
  const all = db
    .prepare<string[], { name: string; sql: string }>(
      `SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables.map(() => '?').join(', ')}) ORDER BY rowid`,
    )
    .all(...tables);
  const held = all.filter((index) => holdBack(index.sql));
  const dropped: typeof all = [];
  const drop = (indexes: typeof all): void => {
    for (const index of indexes) {
      db.exec(`DROP INDEX "${index.name}"`);
      dropped.push(index);
    }
  };
  drop(all.filter((index) => !held.includes(index)));
  return {
    release: () => drop(held.splice(0)),
    rebuild() {
      // In their original order.
      const indexes = all.filter((index) => dropped.includes(index));
      if (indexes.length === 0) return;
      const before = { cache: db.pragma('cache_size', { simple: true }), threads: db.pragma('threads', { simple: true }), temp: db.pragma('temp_store', { simple: true }) };
      sortInRuns(db);
      try {
        for (const index of indexes) db.exec(index.sql);
      } finally {
        db.pragma(`cache_size = ${before.cache}`);
        db.pragma(`threads = ${before.threads}`);
        db.pragma(`temp_store = ${before.temp}`);
      }
    },
  };
}

/**
 * CREATE INDEX sorts in runs as large as the page cache, writes them to temporary files and
 * merges them; with temporary storage in memory (the region's setting, for its sub-journals) it
 * sorts all in one run instead. Runs of a few MiB fit the CPU's caches and take a third less
 * CPU than one run of the whole index, and SQLite sorts them in helper threads while it reads
 * on (the threads that prepared the lines are idle by now). Temporary storage cannot change
 * while the connection has temporary tables open (a full matching pass made them): then the
 * indexes are sorted in memory, as before.
 */
function sortInRuns(db: Db): void {
  try {
    db.pragma('temp_store = FILE');
  } catch {
    return;
  }
  db.pragma(`cache_size = -${SORT_RUN_KIB}`);
  db.pragma(`threads = ${SORT_THREADS}`);
}

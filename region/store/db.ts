import Database from 'better-sqlite3';

export type Db = Database.Database;

/** Pages of WAL after which a commit copies the WAL back into the database file (SQLite's default: 1000). */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000;

/**
 * The page size of a new database file: 8 KiB instead of SQLite's 4 KiB. Index pages hold twice
 * the keys (the youth keys are 43 characters), so a bulk import inserts and builds its indexes
 * with fewer page splits and less per-page work (benchmark 2: ~10% less time per million
 * signals), while a registration's commit writes about as many pages (benchmark 1 the same within
 * this machine's noise). It only applies when the file is created; an existing database keeps its
 * page size (docs/operations.md says how to convert one).
 */
export const NEW_DATABASE_PAGE_SIZE = 8192;

/** Opens a SQLite file with the pragmas this product relies on and brings its schema up to date. */
export function openDatabase(file: string, migrations: readonly string[]): Db {
  const db = new Database(file);
  // Before anything writes the file (the WAL switch below writes its header): a no-op on an existing database.
  db.pragma(`page_size = ${NEW_DATABASE_PAGE_SIZE}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('secure_delete = ON');
  // Savepoints and statement journals copy each page they touch to a sub-journal: in memory that
  // costs a memcpy, in a temp file a write() (benchmark 1: ~100 µs of CPU per registration).
  db.pragma('temp_store = MEMORY');
  // Checkpoint the WAL into the database file every 10,000 pages of WAL (80 MB at 8 KiB a page)
  // instead of SQLite's 1,000: a page written by many commits in between (index pages, the audit
  // and outbox tails) is copied back once, and the fsync of the checkpoint is paid a tenth as often
  // (benchmark 1: ~20% less CPU per registration; docs/performance.md).
  db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  migrate(db, migrations);
  return db;
}

/** Applies the steps past PRAGMA user_version, each in its own transaction. Returns how many ran. */
export function migrate(db: Db, migrations: readonly string[]): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(`the database schema (version ${current}) is newer than this software knows (${migrations.length}): upgrade the software, do not downgrade`);
  }
  let applied = 0;
  for (let version = current; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version]);
      db.pragma(`user_version = ${version + 1}`);
    })();
    applied++;
  }
  return applied;
}

import { chmodSync, closeSync, existsSync, openSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';

export type Db = Database.Database;

/** Pages of WAL after which a commit copies the WAL back into the database file (SQLite's default: 1000). */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000;

/**
 * Pages of WAL file left on disk when the log starts over. The log grows past the checkpoint mark
 * only while something keeps it from being copied back: a long transaction (a bulk import while the
 * region runs writes its whole change into the log), or a long read (a national index's held match
 * snapshot, national/services/held-snapshots.ts). SQLite then reuses the file from its start but
 * never shrinks it by itself, so a serving index kept a file of the largest size
 * it ever reached (about 0.7 GB after an import of a million signals) until it was restarted. With
 * this limit the file is cut back at the first commit after the log starts over (to the limit, or to
 * that commit's own size if larger); it is 1.5 times the mark, so the log's usual cycle (up to the
 * mark and a group past it) does not cut and regrow it.
 */
export const WAL_SIZE_LIMIT_PAGES = (WAL_AUTOCHECKPOINT_PAGES * 3) / 2;

/**
 * The page size of a new database file: SQLite's 4 KiB, chosen after measuring 8 KiB
 * (docs/performance.md). 8 KiB made a bulk import of a million signals ~10% faster, but each page a
 * registration changes is one frame in the write-ahead log, so a group commit wrote twice the bytes:
 * ~10% more server CPU per registration over the HTTP API and a worse p99 (benchmark 1, runs taking
 * turns). The registration is the path every professional uses; the import runs once per region.
 * Set explicitly so that a change is a decision; it applies only when the file is created, and an
 * existing database keeps its own page size.
 */
export const NEW_DATABASE_PAGE_SIZE = 4096;

/**
 * The database holds names, e-mail addresses, password hashes, sealed BSNs and the audit log: it is
 * readable by its owner only. SQLite makes a new file 0644 (less the umask) and gives its -wal and
 * -shm files the mode of the database file, so the file is made 0600 before SQLite opens it, and an
 * existing one (made before this) is narrowed at open, with its -wal and -shm.
 */
const OWNER_ONLY = 0o600;

function ownerOnly(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', OWNER_ONLY));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if (existsSync(f) && (statSync(f).mode & 0o077) !== 0) chmodSync(f, OWNER_ONLY);
    } catch {
      // Not the owner (a read-only mount, another user's file): SQLite's own open reports what matters.
    }
  }
}

/** Opens a SQLite file with the pragmas this product relies on and brings its schema up to date. */
export function openDatabase(file: string, migrations: readonly string[]): Db {
  if (file !== ':memory:') ownerOnly(file);
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
  // Checkpoint the WAL into the database file every 10,000 pages of WAL (40 MB at 4 KiB a page)
  // instead of SQLite's 1,000: a page written by many commits in between (index pages, the audit
  // and outbox tails) is copied back once, and the fsync of the checkpoint is paid a tenth as often
  // (benchmark 1: ~20% less CPU per registration; docs/performance.md).
  db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  takeWriteLockAtBegin(db);
  migrate(db, migrations);
  // In bytes, of this file's own page size (an existing database may have other pages than new ones).
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_PAGES * (db.pragma('page_size', { simple: true }) as number)}`);
  return db;
}

/**
 * Makes `db.transaction(fn)` begin with `BEGIN IMMEDIATE` (`.deferred` stays available): every
 * transaction takes SQLite's write lock when it begins. A deferred transaction that has read and
 * then writes gets SQLITE_BUSY at once, without waiting, when another connection holds the write
 * lock (SQLite cannot let it wait: its snapshot might be stale), so a job that reads first (the
 * informing reminders, test/region/transactions.test.ts) failed while an operator's CLI command
 * (`import-signals`, `import-covenant`) wrote to the same region. Begun IMMEDIATE, it waits for the
 * lock (busy_timeout) and then reads the latest data.
 */
function takeWriteLockAtBegin(db: Db): void {
  const deferredByDefault = db.transaction;
  db.transaction = function immediateTransaction(this: Db, fn) {
    return deferredByDefault.call(this, fn).immediate;
  } as Db['transaction'];
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

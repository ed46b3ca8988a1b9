import type { Logger } from 'pino';
import type { Db } from '../../store/db.js';

/**
 * A region's first import (no signals yet, the migration case) writes its pages once. In WAL
 * mode every page of the import is written twice: into the write-ahead log at the commit (or
 * before it, when the page cache fills up) and from there into the database file by the
 * checkpoint; at a million signals that is 0.7 GB written twice. With a rollback journal the new
 * pages go straight into the database file and the journal holds only the earlier content of
 * the few pages that existed before (the covenant area, the audit log): the same all-or-nothing
 * commit, the way SQLite committed before WAL existed, with synchronous = FULL, so that a power
 * failure cannot cut it short either.
 *
 * SQLite leaves WAL mode only for a connection that has the database to itself: with a running
 * region on the same file (another connection) the import stays in WAL mode, as before. While
 * the import runs in rollback mode another process can neither read nor write the database (it
 * waits for the lock, then fails), where in WAL mode it could still read. After the import the
 * database is in WAL mode again.
 */
export interface ImportJournal {
  /** Whether the import runs with a rollback journal. */
  readonly rollback: boolean;
  /** Back to WAL mode and the usual synchronous setting. */
  restore(): void;
}

const unchanged: ImportJournal = { rollback: false, restore: () => {} };

export function journalForImport(db: Db, log: Logger): ImportJournal {
  const firstLoad = db.prepare('SELECT NOT EXISTS (SELECT 1 FROM signals)').pluck().get() === 1;
  const wal = (db.pragma('journal_mode', { simple: true }) as string) === 'wal';
  if (!firstLoad || !wal) return unchanged;
  const synchronous = db.pragma('synchronous', { simple: true }) as number;
  try {
    if (db.pragma('journal_mode = DELETE', { simple: true }) !== 'delete') return unchanged;
  } catch {
    // Another connection has the database open ("database is locked"): stay in WAL mode.
    return unchanged;
  }
  db.pragma('synchronous = FULL');
  return {
    rollback: true,
    restore() {
      db.pragma(`synchronous = ${synchronous}`);
      try {
        if (db.pragma('journal_mode = WAL', { simple: true }) === 'wal') return;
      } catch {
        // Reported below; the next start of the region (openDatabase) sets WAL mode again.
      }
      log.warn('bulk import: the database could not be put back in WAL mode; it will be when the region starts');
    },
  };
}

import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';

/**
 * Read transactions held open across requests, so that a region reads every page of its match
 * snapshot from one point in time (HaalMatchstand with vasteStand, protocol 1.2), however long it
 * takes and however often its matches change meanwhile. Each snapshot is a connection of its own
 * on the national database with a read transaction begun at the first page: in WAL mode it sees
 * the database as it was then, and writers go on. A held read keeps the write-ahead log from being
 * copied back past its point, so a snapshot is let go after its last page, after `idleMs` without
 * a page, `maxAgeMs` after it was opened whatever is read from it, when its region opens another
 * (a region reads one snapshot at a time: a reconcile tried again does not leave its old one
 * held), and when a read from it fails. At most `max` are held at once; beyond that the caller
 * reads at the current state (as in protocol 1.1), and the region checks the heads.
 */
export interface SnapshotLimits {
  idleMs?: number;
  maxAgeMs?: number;
  max?: number;
}

interface Held<Q> {
  region: string;
  db: Database.Database;
  queries: Q;
  until: number;
  timer: NodeJS.Timeout | null;
}

export function createHeldSnapshots<Q>(file: string, prepare: (db: Database.Database) => Q, { idleMs = 60_000, maxAgeMs = 300_000, max = 4 }: SnapshotLimits = {}) {
  const held = new Map<string, Held<Q>>();

  function release(id: string): void {
    const h = held.get(id);
    if (!h) return;
    held.delete(id);
    if (h.timer) clearTimeout(h.timer);
    h.db.close(); // ends the read transaction
  }

  /** Starts the idle time again, never past the snapshot's last moment. */
  function touch(id: string, h: Held<Q>): void {
    if (h.timer) clearTimeout(h.timer);
    h.timer = setTimeout(() => release(id), Math.max(0, Math.min(idleMs, h.until - Date.now())));
    h.timer.unref();
  }

  /** `read` on the held snapshot; a read that fails lets it go (SQLite may have ended its transaction). */
  function readFrom<T>(id: string, h: Held<Q>, read: (queries: Q) => T): T {
    try {
      const result = read(h.queries);
      if (!h.db.inTransaction) throw new Error('the held read transaction ended');
      return result;
    } catch (err) {
      release(id);
      throw err;
    }
  }

  return {
    /**
     * A new snapshot of the database as it is now, for `region`, read first by `read` (which
     * must read: the snapshot is taken at its first read); null when `max` are held.
     */
    open<T>(region: string, read: (queries: Q) => T): { id: string; result: T } | null {
      for (const [id, h] of held) if (h.region === region) release(id);
      if (held.size >= max) return null;
      const db = new Database(file, { fileMustExist: true });
      const id = randomUUID();
      try {
        db.pragma('query_only = ON');
        const h: Held<Q> = { region, db, queries: prepare(db), until: Date.now() + maxAgeMs, timer: null };
        db.exec('BEGIN');
        held.set(id, h);
        touch(id, h);
        return { id, result: readFrom(id, h, read) };
      } catch (err) {
        if (db.open) db.close();
        throw err;
      }
    },
    /** `read` on the snapshot `id` of `region`, its idle time started again; undefined when unknown, let go, or another region's. */
    read<T>(id: string, region: string, read: (queries: Q) => T): { result: T } | undefined {
      const h = held.get(id);
      if (!h || h.region !== region) return undefined;
      touch(id, h);
      return { result: readFrom(id, h, read) };
    },
    release,
    get size(): number {
      return held.size;
    },
    closeAll(): void {
      for (const id of [...held.keys()]) release(id);
    },
  };
}

import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';

/**
 * Read transactions held open across requests, so that a region reads every page of its match
 * snapshot from one point in time (HaalMatchstand with vasteStand, protocol 1.2), however long it
 * takes and however often its matches change meanwhile. Each snapshot is a connection of its own
 * on the national database with a read transaction begun at the first page: in WAL mode it sees
 * the database as it was then, and writers go on. A held read keeps the write-ahead log from being
 * copied back past its point, so a snapshot is let go after its last page, after `idleMs` without
 * a page, and at most `max` are held at once (beyond that the pages are read at the current state,
 * as in protocol 1.1, and the region checks the heads).
 */
export interface HeldSnapshot<Q> {
  id: string;
  queries: Q;
}

export function createHeldSnapshots<Q>(file: string, prepare: (db: Database.Database) => Q, { idleMs = 60_000, max = 4 } = {}) {
  const held = new Map<string, { region: string; db: Database.Database; queries: Q; timer: NodeJS.Timeout | null }>();

  function release(id: string): void {
    const h = held.get(id);
    if (!h) return;
    held.delete(id);
    if (h.timer) clearTimeout(h.timer);
    h.db.close(); // ends the read transaction
  }

  function touch(id: string): void {
    const h = held.get(id)!;
    if (h.timer) clearTimeout(h.timer);
    h.timer = setTimeout(() => release(id), idleMs);
    h.timer.unref();
  }

  return {
    /**
     * A new snapshot of the database as it is now, for `region`; null when `max` are held. The
     * read transaction begins with `first`, which must read: the snapshot is taken at its first read.
     */
    open<T>(region: string, first: (queries: Q) => T): { snapshot: HeldSnapshot<Q>; result: T } | null {
      if (held.size >= max) return null;
      const db = new Database(file, { fileMustExist: true });
      try {
        db.pragma('query_only = ON');
        const queries = prepare(db);
        db.exec('BEGIN');
        const result = first(queries);
        const id = randomUUID();
        held.set(id, { region, db, queries, timer: null });
        touch(id);
        return { snapshot: { id, queries }, result };
      } catch (err) {
        db.close();
        throw err;
      }
    },
    /** The snapshot `id` of `region`, its idle time started again; undefined when unknown, let go, or another region's. */
    get(id: string, region: string): HeldSnapshot<Q> | undefined {
      const h = held.get(id);
      if (!h || h.region !== region) return undefined;
      touch(id);
      return { id, queries: h.queries };
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

import type { Db } from '../../region/store/db.js';
import type { MatchEvent } from '../protocol/types.js';

/**
 * Per-region feeds of match events with gapless sequence numbers (1, 2, 3, ...), appended in
 * the same transaction as the change that causes them, read after a cursor, with long-poll
 * waiters woken on commit. Events older than the retention are dropped; a region whose cursor
 * lies before the oldest kept event must resynchronise.
 */
type Stored = Omit<MatchEvent, 'seq'>;

/** A region's feed head (0 before its first event), as a statement of `db`: the feed's, or a held snapshot's connection (reconcile.ts). */
export function headQuery(db: Db) {
  const head = db.prepare<[string], number>('SELECT head FROM feed_heads WHERE region_id = ?').pluck();
  return (regionId: string): number => head.get(regionId) ?? 0;
}

export function createFeed(db: Db) {
  const q = {
    head: db.prepare<[string], { head: number; oldest: number }>('SELECT head, oldest FROM feed_heads WHERE region_id = ?'),
    initHead: db.prepare('INSERT OR IGNORE INTO feed_heads (region_id, head, oldest) VALUES (?, 0, 1)'),
    bump: db.prepare('UPDATE feed_heads SET head = head + 1 WHERE region_id = ? RETURNING head'),
    insert: db.prepare('INSERT INTO feed (region_id, seq, event, created_at) VALUES (?, ?, ?, ?)'),
    after: db.prepare<[string, number, number], { seq: number; event: string }>('SELECT seq, event FROM feed WHERE region_id = ? AND seq > ? ORDER BY seq LIMIT ?'),
    prune: db.prepare('DELETE FROM feed WHERE region_id = ? AND created_at < ?'),
    oldestKept: db.prepare<[string], { seq: number | null }>('SELECT MIN(seq) AS seq FROM feed WHERE region_id = ?'),
    setOldest: db.prepare('UPDATE feed_heads SET oldest = ? WHERE region_id = ?'),
  };
  const headOf = headQuery(db);
  const waiters = new Map<string, Set<() => void>>();
  const touched = new Set<string>();

  return {
    /** Appends an event to a region's feed; call inside the transaction of the change. */
    append(regionId: string, event: Stored, at: string): void {
      q.initHead.run(regionId);
      const { head } = q.bump.get(regionId) as { head: number };
      q.insert.run(regionId, head, JSON.stringify(event), at);
      touched.add(regionId);
    },
    /** After a commit: wake the long polls of the regions that got events. */
    wake(): void {
      for (const regionId of touched) {
        for (const w of waiters.get(regionId) ?? []) w();
      }
      touched.clear();
    },
    discardPending(): void {
      touched.clear();
    },
    read(regionId: string, after: number, max: number): { head: number; resyncNeeded: boolean; events: MatchEvent[] } {
      const h = q.head.get(regionId) ?? { head: 0, oldest: 1 };
      if (after > h.head) return { head: h.head, resyncNeeded: true, events: [] };
      if (after < h.oldest - 1) return { head: h.head, resyncNeeded: true, events: [] };
      const events = q.after.all(regionId, after, max).map((r) => ({ ...(JSON.parse(r.event) as Stored), seq: r.seq }));
      return { head: h.head, resyncNeeded: false, events };
    },
    head: headOf,
    /** Resolves when the region's feed gets an event, or after `ms`. */
    waitFor(regionId: string, ms: number, signal?: AbortSignal): Promise<void> {
      return new Promise((resolve) => {
        const set = waiters.get(regionId) ?? new Set();
        waiters.set(regionId, set);
        const done = (): void => {
          clearTimeout(timer);
          set.delete(done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener('abort', done, { once: true });
        set.add(done);
      });
    },
    wakeAll(): void {
      for (const set of waiters.values()) for (const w of [...set]) w();
    },
    prune: db.transaction((regionId: string, before: string) => {
      q.prune.run(regionId, before);
      const h = q.head.get(regionId);
      if (!h) return;
      const oldest = q.oldestKept.get(regionId)?.seq ?? h.head + 1;
      q.setOldest.run(oldest, regionId);
    }),
  };
}

export type Feed = ReturnType<typeof createFeed>;

import type { Database } from 'better-sqlite3';
import { SyncFault, type MatchSnapshotRequest, type MatchSnapshotResponse, type ReconcileRequest, type ReconcileResponse } from '../protocol/types.js';
import { headQuery } from './feed.js';
import { createHeldSnapshots, type SnapshotLimits } from './held-snapshots.js';
import { arose, SIGNAL_COLUMNS, type SignalRow } from './signal-rows.js';

/**
 * A region's reconcile against the national state (docs/sync-protocol.md): its digest of active
 * signals, whole or a page of signal ids at a time, answered with the signals it must send again
 * and those it must remove; and the region's current matches, as 'arose' snapshots, whole (protocol
 * 1.0) or a page of match ids at a time, each page with the region's feed head when it was read,
 * and from 1.2 every page from the point in time of the first when the region asks so. A region of
 * any size is reconciled in messages of bounded size.
 */
/** The reads of a region's match snapshot, on the index's connection or on a held one (held-snapshots.ts). */
function snapshotQueries(db: Database) {
  return {
    matchesAfter: db.prepare<{ region: string; after: string; limit: number }, { id: string; kind: string }>(
      `SELECT DISTINCT m.id, m.kind FROM match_participants mp JOIN matches m ON m.id = mp.match_id
       WHERE mp.region_id = @region AND mp.left_at IS NULL AND m.status = 'active' AND m.id > @after ORDER BY m.id LIMIT @limit`,
    ),
    participants: db.prepare<[string], SignalRow>(
      `SELECT ${SIGNAL_COLUMNS.split(', ').map((c) => `s.${c}`).join(', ')} FROM match_participants mp
       JOIN signals s ON s.region_id = mp.region_id AND s.signal_id = mp.signal_id WHERE mp.match_id = ? AND mp.left_at IS NULL`,
    ),
    head: headQuery(db),
  };
}
type SnapshotQueries = ReturnType<typeof snapshotQueries>;

/** Up to `limit` of the region's active matches after `after`, as the region is told of them. */
function snapshot(q: SnapshotQueries, region: string, after: string, limit: number) {
  return q.matchesAfter.all({ region, after, limit }).map((m) => ({ ...arose(m.id, q.participants.all(m.id), region), family: m.kind === 'family', seq: 0 }));
}

/** A page of up to `max` matches after `after`, with the region's head, from the state `q` reads. */
function page(q: SnapshotQueries, region: string, after: string, max: number): MatchSnapshotResponse {
  const head = q.head(region);
  const matches = snapshot(q, region, after, max + 1);
  return { head, more: matches.length > max, matches: matches.slice(0, max) };
}

export function createReconcile(db: Database, limits: SnapshotLimits = {}) {
  const q = {
    // Two statements, so that the primary key's index bounds the range on both sides (an optional
    // bound in one statement bounded it below only: each page read to the end of the region).
    activeIn: db.prepare<[string, string, string], { signal_id: string; removal_date: string }>(
      "SELECT signal_id, removal_date FROM signals WHERE region_id = ? AND signal_id > ? AND signal_id <= ? AND status = 'active'",
    ),
    activeAfter: db.prepare<[string, string], { signal_id: string; removal_date: string }>(
      "SELECT signal_id, removal_date FROM signals WHERE region_id = ? AND signal_id > ? AND status = 'active'",
    ),
    ...snapshotQueries(db),
  };
  const held = createHeldSnapshots(db.name, snapshotQueries, limits);
  const readPage = db.transaction((region: string, after: string, max: number) => page(q, region, after, max));

  return {
    signals: db.transaction((region: string, r: ReconcileRequest): ReconcileResponse => {
      const after = r.after ?? '';
      const upTo = r.upTo ?? null;
      const outside = r.signals.find((s) => s.signalId <= after || (upTo !== null && s.signalId > upTo));
      if (outside) {
        throw new SyncFault('Client', 'BUITEN_PAGINA', `meldingId ${outside.signalId} lies outside the page (after ${after || 'the start'}, up to ${upTo ?? 'the end'})`);
      }
      const rows = upTo === null ? q.activeAfter.all(region, after) : q.activeIn.all(region, after, upTo);
      const national = new Map(rows.map((s) => [s.signal_id, s.removal_date]));
      const theirs = new Set(r.signals.map((s) => s.signalId));
      const missing = r.signals.filter((s) => national.get(s.signalId) !== s.removalDate).map((s) => s.signalId);
      const surplus = [...national.keys()].filter((id) => !theirs.has(id));
      const matches = r.withMatches === false ? [] : snapshot(q, region, '', -1);
      return { missing, surplus, head: q.head(region), matches };
    }),

    /**
     * A page of the region's match snapshot. With `pointInTime` (1.2) the first page opens a held
     * snapshot and its answer names it; the later pages name it and are read from it, so every
     * page is of one point in time. Without, each page is read at the current state (1.1).
     */
    matches: (region: string, r: MatchSnapshotRequest): MatchSnapshotResponse => {
      const after = r.after ?? '';
      if (r.snapshotId !== undefined) {
        const id = r.snapshotId;
        const answer = held.read(id, region, (hq) => page(hq, region, after, r.max))?.result;
        if (!answer) {
          throw new SyncFault('Client', 'STAND_ONBEKEND', `no held snapshot ${id} for this region: it was read to its end, or let go (idle too long, too old, or the region opened a newer one); read the snapshot again from its first page`);
        }
        if (!answer.more) held.release(id);
        return { ...answer, snapshotId: id };
      }
      const opened = r.pointInTime ? held.open(region, (hq) => page(hq, region, after, r.max)) : null;
      if (!opened) return readPage(region, after, r.max);
      if (!opened.result.more) {
        held.release(opened.id);
        return opened.result;
      }
      return { ...opened.result, snapshotId: opened.id };
    },

    /** How many snapshots are held now. */
    held: () => held.size,
    /** Lets go of every held snapshot (the national index closing). */
    close: () => held.closeAll(),
  };
}

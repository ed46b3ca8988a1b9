import type { Database } from 'better-sqlite3';
import { SyncFault, type MatchSnapshotRequest, type MatchSnapshotResponse, type ReconcileRequest, type ReconcileResponse } from '../protocol/types.js';
import type { Feed } from './feed.js';
import { arose, SIGNAL_COLUMNS, type SignalRow } from './signal-rows.js';

/**
 * A region's reconcile against the national state (docs/sync-protocol.md): its digest of active
 * signals, whole or a page of signal ids at a time, answered with the signals it must send again
 * and those it must remove; and the region's current matches, as 'arose' snapshots, whole (protocol
 * 1.0) or a page of match ids at a time, each page with the region's feed head when it was read.
 * A region of any size is reconciled in messages of bounded size.
 */
export function createReconcile(db: Database, feed: Feed) {
  const q = {
    // Two statements, so that the primary key's index bounds the range on both sides (an optional
    // bound in one statement bounded it below only: each page read to the end of the region).
    activeIn: db.prepare<[string, string, string], { signal_id: string; removal_date: string }>(
      "SELECT signal_id, removal_date FROM signals WHERE region_id = ? AND signal_id > ? AND signal_id <= ? AND status = 'active'",
    ),
    activeAfter: db.prepare<[string, string], { signal_id: string; removal_date: string }>(
      "SELECT signal_id, removal_date FROM signals WHERE region_id = ? AND signal_id > ? AND status = 'active'",
    ),
    matchesAfter: db.prepare<{ region: string; after: string; limit: number }, { id: string; kind: string }>(
      `SELECT DISTINCT m.id, m.kind FROM match_participants mp JOIN matches m ON m.id = mp.match_id
       WHERE mp.region_id = @region AND mp.left_at IS NULL AND m.status = 'active' AND m.id > @after ORDER BY m.id LIMIT @limit`,
    ),
    participants: db.prepare<[string], SignalRow>(
      `SELECT ${SIGNAL_COLUMNS.split(', ').map((c) => `s.${c}`).join(', ')} FROM match_participants mp
       JOIN signals s ON s.region_id = mp.region_id AND s.signal_id = mp.signal_id WHERE mp.match_id = ? AND mp.left_at IS NULL`,
    ),
  };

  /** Up to `limit` of the region's active matches after `after`, as the region is told of them. */
  function snapshot(region: string, after: string, limit: number) {
    return q.matchesAfter.all({ region, after, limit }).map((m) => ({ ...arose(m.id, q.participants.all(m.id), region), family: m.kind === 'family', seq: 0 }));
  }

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
      const matches = r.withMatches === false ? [] : snapshot(region, '', -1);
      return { missing, surplus, head: feed.head(region), matches };
    }),

    matches: db.transaction((region: string, r: MatchSnapshotRequest): MatchSnapshotResponse => {
      const page = snapshot(region, r.after ?? '', r.max + 1);
      return { head: feed.head(region), more: page.length > r.max, matches: page.slice(0, r.max) };
    }),
  };
}

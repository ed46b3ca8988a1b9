import type { Db } from '../../store/db.js';
import type { CoordinationService } from '../coordination.js';
import type { MatchService } from '../matches.js';
import type { IdSequence } from './ids.js';

/**
 * A full matching pass over every active signal of the region, in SQL over sets (7.1.2.3):
 * every youth with active signals of two or more professionals must have an active match with
 * all of them in it. Makes what is missing (after a restore, or to check a migrated region);
 * in a consistent region it finds nothing to do. It goes a slice of youths at a time, in key
 * order, so memory stays bounded by SQLite's page cache and one slice, whatever the size of the
 * region. Runs inside the caller's transaction.
 *
 * A youth with no match yet gets one silently, like an import's matches; a signal missing from
 * its youth's active match joins through the match service, notices included.
 */
export interface FullPassResult {
  /** Matches made for youths that had none. */
  created: number;
  /** Signals that joined their youth's active match through the match service. */
  joined: number;
}

/**
 * Youths with two or more active signals taken at a time: the temporary tables are in memory
 * (temp_store), and a region of a million signals held its 264,480 such youths at once, memory the
 * process kept (benchmark 7: 183 MB after the pass against 188-198). Smaller slices kept less
 * (10,000: 175-177 MB) but made a pass that has to make every match again (a restore) slower: the
 * UPDATE of the signals reads the whole table once a slice (with 20,000, 74 s against 46 s).
 */
const SLICE = 50_000;

const TEMP_TABLES = `
  CREATE TEMP TABLE IF NOT EXISTS full_pass_candidates (youth_key TEXT PRIMARY KEY) WITHOUT ROWID;
  CREATE TEMP TABLE IF NOT EXISTS full_pass_new (youth_key TEXT PRIMARY KEY, match_id TEXT NOT NULL) WITHOUT ROWID;
`;

export function createFullMatchingPass(db: Db, matches: MatchService, coordination: CoordinationService, hasDecisionRule: () => boolean) {
  let ids: IdSequence | null = null;
  db.function('vir_full_pass_match_id', { deterministic: false }, () => {
    if (!ids) throw new Error('vir_full_pass_match_id outside a matching pass');
    return ids.next();
  });

  let q: ReturnType<typeof statements> | null = null;
  function statements() {
    db.exec(TEMP_TABLES);
    return {
      clear: db.prepare('DELETE FROM temp.full_pass_candidates'),
      clearNew: db.prepare('DELETE FROM temp.full_pass_new'),
      // Covered by the partial index signals_active_youth (youth_key, rowid): no table reads.
      // A slice of the youths at a time, in key order, so that the temporary tables (in memory) stay small.
      candidates: db.prepare<{ after: string; limit: number }>(
        `INSERT INTO temp.full_pass_candidates (youth_key)
         SELECT youth_key FROM signals WHERE status = 'active' AND youth_key > @after
         GROUP BY youth_key HAVING COUNT(*) >= 2 ORDER BY youth_key LIMIT @limit`,
      ),
      lastCandidate: db.prepare<[], string | null>('SELECT MAX(youth_key) FROM temp.full_pass_candidates').pluck(),
      newMatches: db.prepare(
        `INSERT INTO temp.full_pass_new (youth_key, match_id)
         SELECT c.youth_key, vir_full_pass_match_id() FROM temp.full_pass_candidates c
         WHERE NOT EXISTS (SELECT 1 FROM matches m WHERE m.youth_key = c.youth_key AND m.status = 'active')
           AND (SELECT COUNT(DISTINCT s.professional_id) FROM signals s WHERE s.youth_key = c.youth_key AND s.status = 'active') >= 2`,
      ),
      insertMatches: db.prepare(
        `INSERT INTO matches (id, youth_key, kind, status, created_at)
         SELECT match_id, youth_key, 'person', 'active', @now FROM temp.full_pass_new`,
      ),
      // Youth by youth in key order, which is also match-id order (newMatches handed the ids out in that order).
      insertParticipants: db.prepare(
        `INSERT INTO match_participants (match_id, signal_id, professional_id, joined_at)
         SELECT n.match_id, s.id, s.professional_id, @now FROM temp.full_pass_new n
         CROSS JOIN signals s ON s.youth_key = n.youth_key AND s.status = 'active'`,
      ),
      // Reads the whole table in rowid order, once a slice that has new matches (through the youth
      // index instead, a restore of a million signals took half as long again: random row reads).
      setSignalMatch: db.prepare(
        `UPDATE signals SET match_id = n.match_id FROM temp.full_pass_new n
         WHERE signals.status = 'active' AND n.youth_key = signals.youth_key`,
      ),
      newMatchIds: db.prepare<[], string>('SELECT match_id FROM temp.full_pass_new').pluck(),
      // Active signals of a youth with an active match that do not take part in it.
      missing: db.prepare<[], { id: string; youth_key: string }>(
        `SELECT s.id, s.youth_key FROM temp.full_pass_candidates c
         JOIN matches m ON m.youth_key = c.youth_key AND m.status = 'active'
         CROSS JOIN signals s ON s.youth_key = c.youth_key AND s.status = 'active'
         WHERE NOT EXISTS (SELECT 1 FROM match_participants p WHERE p.match_id = m.id AND p.signal_id = s.id AND p.left_at IS NULL)
         ORDER BY s.rowid`,
      ),
      inActiveMatch: db.prepare<[string, string], number>(
        `SELECT 1 FROM matches m JOIN match_participants p ON p.match_id = m.id
         WHERE m.youth_key = ? AND m.status = 'active' AND p.signal_id = ? AND p.left_at IS NULL`,
      ).pluck(),
    };
  }

  return function fullPass(sequence: IdSequence, now: string, slice = SLICE): FullPassResult {
    q ??= statements();
    const s = q;
    ids = sequence;
    let created = 0;
    let joined = 0;
    try {
      for (let after = ''; ;) {
        s.clear.run();
        s.clearNew.run();
        if (s.candidates.run({ after, limit: slice }).changes === 0) break;
        after = s.lastCandidate.get()!;
        // Only when there are new matches: with none, the UPDATE would still read the whole table.
        if (s.newMatches.run().changes > 0) {
          created += s.insertMatches.run({ now }).changes;
          s.insertParticipants.run({ now });
          s.setSignalMatch.run();
          if (hasDecisionRule()) for (const id of s.newMatchIds.all()) coordination.participantsChanged(id);
        }
        for (const m of s.missing.all()) {
          if (s.inActiveMatch.get(m.youth_key, m.id)) continue;
          if (matches.signalActivated(m.id, m.youth_key)) joined++;
        }
      }
      return { created, joined };
    } finally {
      s.clear.run();
      s.clearNew.run();
      ids = null;
    }
  };
}

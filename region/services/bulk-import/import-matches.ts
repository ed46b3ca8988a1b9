import type { Db } from '../../store/db.js';
import type { CoordinationService } from '../coordination.js';
import type { MatchService } from '../matches.js';
import type { IdSequence } from './ids.js';
import type { YouthGroups } from './youth-groups.js';

/**
 * The matches of an import, made after its rows are written (7.1.2.3): every youth with active
 * signals of two or more professionals gets its match, as registration would have made it
 * signal by signal, and a repeated signal of the same professional on the same youth is
 * dropped (registration returns the existing signal then).
 *
 * A youth whose active signals all come from the import gets its match here, silently: those
 * signals and their match existed in the system they came from, whose professionals were told
 * there; one notice per match would be a storm of e-mails. A youth where an imported signal
 * meets a signal that was already in this region goes through the match service, signal by
 * signal, like a registration: those professionals did not know, and get their notices.
 *
 * Row r of the import is the signal with rowid since + 1 + r and id ids.at(r). Runs inside the
 * import's transaction.
 */
export interface ImportMatching {
  /** Rows dropped as repeats, in row order. */
  duplicateRows: number[];
  /** Matches made among imported signals only (no notices). */
  created: number;
  /** Imported signals that made or joined a match through the match service (with notices). */
  throughService: number;
}

export interface ImportMatchingInput {
  groups: YouthGroups;
  /** The largest rowid before the import. */
  since: number;
  ids: IdSequence;
  professionalIds: string[];
  now: string;
}

export function createImportMatcher(db: Db, matches: MatchService, coordination: CoordinationService, hasDecisionRule: () => boolean) {
  db.exec('CREATE TEMP TABLE IF NOT EXISTS bulk_match_of (signal_rowid INTEGER PRIMARY KEY, match_id TEXT NOT NULL)');
  const q = {
    activeBefore: db.prepare<[number], number>("SELECT EXISTS (SELECT 1 FROM signals WHERE status = 'active' AND rowid <= ?)").pluck(),
    earlier: db.prepare<[string, number], string>("SELECT professional_id FROM signals WHERE youth_key = ? AND status = 'active' AND rowid <= ?").pluck(),
    drop: db.prepare('DELETE FROM signals WHERE rowid = ?'),
    insertMatch: db.prepare("INSERT INTO matches (id, youth_key, kind, status, created_at) VALUES (?, ?, 'person', 'active', ?)"),
    insertParticipant: db.prepare('INSERT INTO match_participants (match_id, signal_id, professional_id, joined_at) VALUES (?, ?, ?, ?)'),
    clearMatchOf: db.prepare('DELETE FROM temp.bulk_match_of'),
    matchOf: db.prepare('INSERT INTO temp.bulk_match_of (signal_rowid, match_id) VALUES (?, ?)'),
    setMatches: db.prepare('UPDATE signals SET match_id = t.match_id FROM temp.bulk_match_of t WHERE signals.rowid = t.signal_rowid'),
    inActiveMatch: db.prepare<[string, string], number>(
      `SELECT 1 FROM matches m JOIN match_participants p ON p.match_id = m.id
       WHERE m.youth_key = ? AND m.status = 'active' AND p.signal_id = ? AND p.left_at IS NULL`,
    ).pluck(),
  };

  return function matchImport({ groups, since, ids, professionalIds, now }: ImportMatchingInput): ImportMatching {
    // Only when the region already held active signals can a single imported signal meet one.
    const withEarlier = q.activeBefore.get(since) === 1;
    const duplicateRows: number[] = [];
    const meetings: number[] = [];
    const matchedRows: number[] = [];
    const matchOfRow: string[] = [];
    const newMatches: string[] = [];

    // First the repeats, dropped before any participant is written: deleting a signal checks
    // match_participants, which has no index on signal_id, so each delete reads all of it.
    const earlierOf = new Map<number, string[]>();
    for (const group of groups.groups(withEarlier ? 1 : 2)) {
      const earlier = withEarlier ? q.earlier.all(groups.youthKey(group.rows[0]), since) : [];
      if (earlier.length > 0) earlierOf.set(group.rows[0], earlier);
      const seen = new Set(earlier);
      group.rows.forEach((row, i) => {
        const professionalId = professionalIds[group.professionals[i]];
        if (seen.has(professionalId)) duplicateRows.push(row);
        else {
          seen.add(professionalId);
          if (earlier.length > 0) meetings.push(row);
        }
      });
    }
    duplicateRows.sort((a, b) => a - b);
    for (const row of duplicateRows) q.drop.run(since + 1 + row);

    const dropped = new Set(duplicateRows);
    for (const group of groups.groups(2)) {
      if (earlierOf.has(group.rows[0])) continue;
      const kept = new Map<string, number>();
      group.rows.forEach((row, i) => {
        const professionalId = professionalIds[group.professionals[i]];
        if (!dropped.has(row)) kept.set(professionalId, row);
      });
      if (kept.size < 2) continue;
      // Match ids count up as the matches are made, so matches and participants are appended to their keys.
      const matchId = ids.next();
      q.insertMatch.run(matchId, groups.youthKey(group.rows[0]), now);
      for (const [professionalId, row] of kept) {
        q.insertParticipant.run(matchId, ids.at(row), professionalId, now);
        matchedRows.push(row);
        matchOfRow.push(matchId);
      }
      newMatches.push(matchId);
    }
    // In rowid order: the table is walked front to back once.
    const order = matchedRows.map((_, i) => i).sort((a, b) => matchedRows[a] - matchedRows[b]);
    q.clearMatchOf.run();
    for (const i of order) q.matchOf.run(since + 1 + matchedRows[i], matchOfRow[i]);
    q.setMatches.run();
    q.clearMatchOf.run();
    if (hasDecisionRule()) for (const id of newMatches) coordination.participantsChanged(id);

    let throughService = 0;
    meetings.sort((a, b) => a - b);
    for (const row of meetings) {
      const signalId = ids.at(row);
      const youthKey = groups.youthKey(row);
      // The first imported signal on a youth makes the match with every active signal of it; the next are in it already.
      if (q.inActiveMatch.get(youthKey, signalId)) continue;
      if (matches.signalActivated(signalId, youthKey)) throughService++;
    }
    return { duplicateRows, created: newMatches.length, throughService };
  };
}

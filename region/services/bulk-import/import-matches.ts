import type { Db } from '../../store/db.js';
import type { CoordinationService } from '../coordination.js';
import type { MatchService } from '../matches.js';
import { BatchedInsert } from './batched-insert.js';
import type { IdSequence } from './ids.js';
import { ImportedYouths, NO_MATCH } from './imported-youths.js';

/**
 * The matches of an import, made as its rows are written (7.1.2.3): every youth with active
 * signals of two or more professionals gets its match, as registration would have made it
 * signal by signal, and a repeated signal of the same professional on the same youth is not
 * written (registration returns the existing signal then; the earlier line is kept).
 *
 * A youth whose active signals all come from the import gets its match here, silently: those
 * signals and their match existed in the system they came from, whose professionals were told
 * there; one notice per match would be a storm of e-mails. The match is made when the youth's
 * second professional's signal is written, which then carries its match id, as does every later
 * signal of the youth; only the youth's first signal gets it afterwards, in one pass in rowid
 * order (finish()). A youth where an imported signal meets a signal that was already in this
 * region goes through the match service after the rows are written, signal by signal, like a
 * registration: those professionals did not know, and get their notices.
 *
 * Row r of the import is the signal with rowid since + 1 + r and id ids.at(r); match m has id
 * matchIds.at(m). Runs inside the import's transaction.
 */
export interface ImportMatchingInput {
  /** The largest rowid before the import. */
  since: number;
  ids: IdSequence;
  matchIds: IdSequence;
  professionalIds: string[];
  now: string;
  /** About how many rows the import will write (room to start with). */
  expectedRows: number;
}

export interface ImportMatching {
  /** Matches made among imported signals only (no notices). */
  created: number;
  /** Imported signals that made or joined a match through the match service (with notices). */
  throughService: number;
}

/** place(): the signal repeats an active signal of the same professional on the youth, and is not written. */
export const REPEAT = Symbol('repeat');

export interface ImportMatcher {
  /**
   * Row `row` is about to be written: an active signal of `professional` (an index into
   * professionalIds) on the youth whose key is `youthKey`, and whose 32 key bytes are the eight
   * words at `keyWords[keyAt]`. Returns the match id the row is written with (null: none yet), or
   * REPEAT.
   */
  place(row: number, youthKey: string, keyWords: Int32Array, keyAt: number, professional: number): string | null | typeof REPEAT;
  /** After the last row: the first signals of the new matches get their match id; the rule and the match service run. */
  finish(): ImportMatching;
}

/** The match of a youth with active signals in the region from before the import. */
const MEETS_EARLIER = -2;
/** The first signals that get their match id in one statement. */
const SET_AT_ONCE = 16;
/** Matches one import can make: (row, match) pairs are sorted packed in one double. */
const MAX_MATCHES = 2 ** 26;

export function createImportMatcher(db: Db, matches: MatchService, coordination: CoordinationService, hasDecisionRule: () => boolean) {
  const q = {
    activeBefore: db.prepare<[number], number>("SELECT EXISTS (SELECT 1 FROM signals WHERE status = 'active' AND rowid <= ?)").pluck(),
    earlier: db.prepare<[string, number], string>("SELECT professional_id FROM signals WHERE youth_key = ? AND status = 'active' AND rowid <= ?").pluck(),
    setMatch: db.prepare('UPDATE signals SET match_id = ? WHERE rowid = ?'),
    // SET_AT_ONCE (rowid, match id) pairs, then the same rowids.
    setMatches: db.prepare(
      `UPDATE signals SET match_id = CASE rowid ${'WHEN ? THEN ? '.repeat(SET_AT_ONCE)}END WHERE rowid IN (${new Array(SET_AT_ONCE).fill('?').join(', ')})`,
    ),
    inActiveMatch: db.prepare<[string, string], number>(
      `SELECT 1 FROM matches m JOIN match_participants p ON p.match_id = m.id
       WHERE m.youth_key = ? AND m.status = 'active' AND p.signal_id = ? AND p.left_at IS NULL`,
    ).pluck(),
  };

  return function begin({ since, ids, matchIds, professionalIds, now, expectedRows }: ImportMatchingInput): ImportMatcher {
    // Only when the region already held active signals can an imported signal meet one.
    const withEarlier = q.activeBefore.get(since) === 1;
    const youths = new ImportedYouths(expectedRows);
    const newMatches = new BatchedInsert(db, 'INSERT INTO matches (id, youth_key, kind, status, created_at)', "(?, ?, 'person', 'active', ?)", 3);
    const participants = new BatchedInsert(db, 'INSERT INTO match_participants (match_id, signal_id, professional_id, joined_at)', '(?, ?, ?, ?)', 4);
    /** The professionals of the earlier active signals of a youth that meets them. */
    const earlierOf = new Map<number, Set<string>>();
    const meetings: { row: number; youthKey: string }[] = [];
    let created = 0;
    /** Per new match: the row of its youth's first signal (written before the match was made) and the match, packed. */
    let pending: number[] = [];

    /**
     * The first signals of the new matches get their match id, in rowid order: the table is walked
     * front to back once, SET_AT_ONCE rows a statement.
     */
    function joinFirstSignals(): void {
      const order = Float64Array.from(pending).sort();
      pending = [];
      const values = new Array<unknown>(3 * SET_AT_ONCE);
      const whole = order.length - (order.length % SET_AT_ONCE);
      for (let i = 0; i < order.length; i++) {
        const key = order[i];
        const match = key % MAX_MATCHES;
        const rowid = since + 1 + (key - match) / MAX_MATCHES;
        if (i >= whole) {
          q.setMatch.run(matchIds.at(match), rowid);
          continue;
        }
        const k = i % SET_AT_ONCE;
        values[2 * k] = rowid;
        values[2 * k + 1] = matchIds.at(match);
        values[2 * SET_AT_ONCE + k] = rowid;
        if (k === SET_AT_ONCE - 1) q.setMatches.run(values);
      }
    }

    /** A youth met for the first time; with active signals in the region before the import, it goes to the match service. */
    function firstSight(row: number, youthKey: string, keyWords: Int32Array, keyAt: number, professional: number): null | typeof REPEAT {
      const earlier = withEarlier ? q.earlier.all(youthKey, since) : [];
      if (earlier.length === 0) {
        youths.addYouth(keyWords, keyAt, row, professional);
        return null;
      }
      const youth = youths.addYouth(keyWords, keyAt, -1, professional);
      youths.setMatch(youth, MEETS_EARLIER);
      earlierOf.set(youth, new Set(earlier));
      return meeting(youth, row, youthKey, professional);
    }

    /** A signal on a youth with active signals from before the import: the match service makes or joins its match after the load. */
    function meeting(youth: number, row: number, youthKey: string, professional: number): null | typeof REPEAT {
      const professionals = earlierOf.get(youth)!;
      if (professionals.has(professionalIds[professional])) return REPEAT;
      professionals.add(professionalIds[professional]);
      meetings.push({ row, youthKey });
      return null;
    }

    return {
      place(row, youthKey, keyWords, keyAt, professional) {
        const youth = youths.find(keyWords, keyAt);
        if (youth === -1) return firstSight(row, youthKey, keyWords, keyAt, professional);
        const match = youths.match(youth);
        if (match === MEETS_EARLIER) return meeting(youth, row, youthKey, professional);
        if (youths.hasProfessional(youth, professional)) return REPEAT;
        const professionalId = professionalIds[professional];
        if (match !== NO_MATCH) {
          youths.addRow(youth, row, professional);
          const matchId = matchIds.at(match);
          participants.add(matchId, ids.at(row), professionalId, now);
          return matchId;
        }
        // The youth's second professional: the match is made now, with the first signal in it.
        const first = youths.firstRow(youth);
        youths.addRow(youth, row, professional);
        const number = created++;
        if (number === MAX_MATCHES) throw new Error(`bulk import: more than ${MAX_MATCHES} matches`);
        const matchId = matchIds.at(number);
        pending.push(first * MAX_MATCHES + number);
        youths.setMatch(youth, number);
        newMatches.add(matchId, youthKey, now);
        participants.add(matchId, ids.at(first), professionalIds[youths.professional(first)], now);
        participants.add(matchId, ids.at(row), professionalId, now);
        return matchId;
      },

      finish() {
        newMatches.flush();
        participants.flush();
        joinFirstSignals();
        if (hasDecisionRule()) for (let m = 0; m < created; m++) coordination.participantsChanged(matchIds.at(m));

        let throughService = 0;
        for (const { row, youthKey } of meetings) {
          const signalId = ids.at(row);
          // The first imported signal on a youth makes the match with every active signal of it; the next are in it already.
          if (q.inActiveMatch.get(youthKey, signalId)) continue;
          if (matches.signalActivated(signalId, youthKey)) throughService++;
        }
        return { created, throughService };
      },
    };
  };
}

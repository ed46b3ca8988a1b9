import type { Db } from '../../store/db.js';
import { BatchedInsert } from './batched-insert.js';
import type { IdSequence } from './ids.js';
import { REPEAT, type ImportMatcher } from './import-matches.js';
import { KEY_WORDS } from './imported-youths.js';
import type { ImportReferences, LineProblem, PreparedChunk, SkippedLine } from './prepare.js';

/**
 * Writes an import's prepared chunks as signal rows, in the order of the file, inside the
 * import's transaction: each active signal with its match id as the matcher places it, an
 * audit entry per batch of rows, and the tally of the report. Once a chunk has a bad line,
 * nothing more is written (the import will be refused); the bad lines and the skipped ones are
 * still counted to the end of the file.
 *
 * Row r (from 0, in the order of the file) has rowid since + 1 + r and id ids.at(r). A repeated
 * signal of the same professional on the same youth is not written, but keeps its row: its id
 * and rowid stay unused and it counts in its audit batch, as when repeats were written and
 * dropped after the load, so the batches, their lines and the id range are what they were.
 */
export const AUDIT_BATCH = 10_000;
/** The problems and skipped lines a report lists one by one; the rest are counted. */
export const LISTED_LINES = 100;

export interface SkippedListing {
  line: number;
  reason: SkippedLine['reason'] | 'duplicate';
}

export interface ImportBatch {
  lines: [number, number];
  /** Signals written; repeats of a signal the region already held are skipped and counted apart. */
  signals: number;
  repeatsSkipped?: number;
  /** The first and last signal written (null: the batch wrote none). */
  firstSignalId: string | null;
  lastSignalId: string | null;
}

export interface SignalWriterInput {
  /** The largest rowid before the import: row r is written with rowid since + 1 + r. */
  since: number;
  refs: ImportReferences;
  ids: IdSequence;
  matcher: ImportMatcher;
  /** Written as informing_reminded_at of active signals made before `reminderCutoff`. */
  now: string;
  reminderCutoff: string;
  audit: (batch: ImportBatch) => void;
  /** Before the first archived signal is written. */
  firstArchived: () => void;
}

export function createSignalWriter(db: Db) {
  // Active and archived rows through one statement, so that they are written in rowid order.
  const head = `INSERT INTO signals (rowid, id, youth_key, bsn_sealed, turns23_on, municipality, professional_id, institution_id, registered_at,
    status, removal_date, informing_reminded_at, match_id, removed_at, removal_reason, archive_until)`;
  const row = `(${new Array(16).fill('?').join(', ')})`;
  // An archived signal the region holds already (the same professional on the same youth, made at
  // the same moment): a file imported twice must not give the next professional two history notices.
  const heldArchived = db.prepare<[string, string, string], number>(
    "SELECT 1 FROM signals WHERE youth_key = ? AND status = 'archived' AND professional_id = ? AND registered_at = ? LIMIT 1",
  ).pluck();
  const anyArchived = db.prepare<[], number>("SELECT EXISTS (SELECT 1 FROM signals WHERE status = 'archived')").pluck();

  return function begin({ since, refs, ids, matcher, now, reminderCutoff, audit, firstArchived }: SignalWriterInput) {
    const signals = new BatchedInsert(db, head, row, 16);
    const problems: LineProblem[] = [];
    const skipped: SkippedListing[] = [];
    const duplicates: SkippedListing[] = [];
    const counts = { active: 0, archived: 0, removalDatePassed: 0, archiveEnded: 0, duplicates: 0, problems: 0 };
    let rows = 0;
    let firstId: string | null = null;
    let lastId: string | null = null;
    let batch = { from: 0, to: 0, rows: 0, signals: 0, firstId: '', lastId: '' };
    /** The region's archived signals are looked at only when it has any (never in a first load, whose archive index is built after it). */
    const regionHasArchived = anyArchived.get() === 1;
    const archivedInFile = new Set<string>();

    // A batch is AUDIT_BATCH rows of the file; its entry names the signals it wrote, and how many
    // repeats it skipped (a repeat keeps its row number and id, but nothing is stored under it).
    const flushBatch = (): void => {
      if (batch.rows === 0) return;
      const repeats = batch.rows - batch.signals;
      audit({
        lines: [batch.from, batch.to], signals: batch.signals, ...(repeats > 0 ? { repeatsSkipped: repeats } : {}),
        firstSignalId: batch.firstId || null, lastSignalId: batch.lastId || null,
      });
      batch = { from: 0, to: 0, rows: 0, signals: 0, firstId: '', lastId: '' };
    };

    /** Row `rows` is done: written, or a repeat that is not. */
    function counted(line: number, written: boolean): void {
      const id = ids.at(rows++);
      if (batch.rows === 0) batch.from = line;
      batch.to = line;
      if (written) {
        firstId ??= id;
        lastId = id;
        if (batch.signals++ === 0) batch.firstId = id;
        batch.lastId = id;
      }
      if (++batch.rows === AUDIT_BATCH) flushBatch();
    }

    function writeRows(c: PreparedChunk): void {
      const sealed = Buffer.from(c.sealed.buffer, c.sealed.byteOffset, c.sealed.byteLength);
      const keyWords = new Int32Array(c.youthKeyBytes.buffer, c.youthKeyBytes.byteOffset, c.youthKeyBytes.byteLength / 4);
      for (let i = 0; i < c.line.length; i++) {
        const pro = refs.professionals[c.professional[i]];
        const bsnSealed = sealed.subarray(i * c.stride, (i + 1) * c.stride);
        const rowid = since + 1 + rows;
        let written = true;
        if (c.archiveUntil[i] !== null) {
          const key = `${c.youthKey[i]}\t${pro.id}\t${c.registeredAt[i]}`;
          if (archivedInFile.has(key) || (regionHasArchived && heldArchived.get(c.youthKey[i], pro.id, c.registeredAt[i]) !== undefined)) {
            written = false;
            counts.duplicates++;
            if (duplicates.length < LISTED_LINES) duplicates.push({ line: c.line[i], reason: 'duplicate' });
          } else {
            archivedInFile.add(key);
            if (counts.archived === 0) firstArchived();
            signals.add(
              rowid, ids.at(rows), c.youthKey[i], bsnSealed, c.turns23[i], c.municipality[i], pro.id, pro.institutionId, c.registeredAt[i],
              'archived', null, null, null, c.removedAt[i], c.removalReason[i], c.archiveUntil[i],
            );
            counts.archived++;
          }
        } else {
          const matchId = matcher.place(rows, c.youthKey[i], keyWords, i * KEY_WORDS, c.professional[i]);
          written = matchId !== REPEAT;
          if (matchId === REPEAT) {
            counts.duplicates++;
            if (duplicates.length < LISTED_LINES) duplicates.push({ line: c.line[i], reason: 'duplicate' });
          } else {
            const remindedAt = c.registeredAt[i] <= reminderCutoff ? now : null;
            signals.add(
              rowid, ids.at(rows), c.youthKey[i], bsnSealed, c.turns23[i], c.municipality[i], pro.id, pro.institutionId, c.registeredAt[i],
              'active', c.removalDate[i], remindedAt, matchId, null, null, null,
            );
            counts.active++;
          }
        }
        counted(c.line[i], written);
      }
    }

    return {
      counts,
      problems,
      /** Rows written, and repeats counted as rows that were not. */
      get rows() {
        return rows;
      },
      get firstId() {
        return firstId;
      },
      get lastId() {
        return lastId;
      },
      take(c: PreparedChunk): void {
        for (const p of c.problems) if (problems.length < LISTED_LINES) problems.push(p);
        counts.problems += c.problems.length;
        for (const s of c.skipped) {
          counts[s.reason === 'removal-date-passed' ? 'removalDatePassed' : 'archiveEnded']++;
          if (skipped.length < LISTED_LINES) skipped.push(s);
        }
        if (counts.problems === 0) writeRows(c);
      },
      /** After the last chunk: the rows still held, and the last audit batch. */
      finish(): void {
        signals.flush();
        flushBatch();
      },
      /** The skipped lines listed in the report: those past their date first, then repeats, in line order. */
      listed(): SkippedListing[] {
        return [...skipped, ...duplicates.slice(0, LISTED_LINES - skipped.length)].sort((a, b) => a.line - b.line);
      },
    };
  };
}

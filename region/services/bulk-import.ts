import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { resolveBsnKeys } from '../crypto/keys.js';
import { AppError } from '../errors.js';
import { auditActor, today, type Actor, type RegionContext } from './context.js';
import type { CoordinationService } from './coordination.js';
import type { MatchService } from './matches.js';
import { uuid7Sequence } from './bulk-import/ids.js';
import { deferIndexesOfEmptyTables } from './bulk-import/deferred-indexes.js';
import { journalForImport, type ImportJournal } from './bulk-import/first-load.js';
import { createFullMatchingPass } from './bulk-import/full-pass.js';
import { createImportMatcher } from './bulk-import/import-matches.js';
import { NdjsonChunks } from './bulk-import/ndjson.js';
import type { ImportReferences, LineProblem } from './bulk-import/prepare.js';
import { createSignalWriter, type SkippedListing } from './bulk-import/signal-writer.js';
import { inlinePipeline, workerPipeline, type ChunkPipeline, type ChunkSource } from './bulk-import/workers.js';

export { AUDIT_BATCH, LISTED_LINES, type SkippedListing } from './bulk-import/signal-writer.js';

/**
 * Bulk import of signals, for a supplier migrating a covenant area from another system: an
 * NDJSON file, one signal per line (docs/bulk-import.md). Every line is held to the rules of a
 * registration (domain/migrated-signal.ts) and every BSN is sealed and blind-indexed like a
 * registered one, in worker threads while this thread writes (bulk-import/workers.ts); each
 * signal is written with its match as far as it is known then, from an in-memory index of the
 * imported youths (bulk-import/import-matches.ts), and matchAll() is a full matching pass in SQL.
 *
 * All or nothing: the whole file is one transaction. A file with any bad line imports nothing
 * and the report names every bad line by its number. Lines whose removal date or archive end
 * has passed are skipped and listed, not refused; so is a line that repeats an active signal of
 * the same professional on the same youth (registration returns the existing signal then).
 *
 * Migration is not registration: no match notices for matches among imported signals (they
 * were told in the old system; a notice per match would be a storm of e-mails), one audit
 * entry per batch of 10,000 signals instead of one per signal, and no outbox events (a
 * migrated region reconciles with the national index instead). Where an imported signal meets
 * a signal already in this region, the match service runs as for a registration, notices
 * included.
 *
 * Into a region without signals (the migration case) the secondary indexes of the signals and
 * matches are made after the load, by one sort each (bulk-import/deferred-indexes.ts), and the
 * import commits through a rollback journal rather than the write-ahead log when it has the
 * database to itself, so that its pages are written once (bulk-import/first-load.ts).
 */
/** SQLite page cache during an import (KiB). */
const IMPORT_CACHE_KIB = 131_072;
/** The file is read, and handed to the threads that prepare it, in blocks of this size. */
const CHUNK_BYTES = 256 * 1024;
/** A signal line is about 180 bytes: the in-memory index of the youths starts with room for the file's lines. */
const TYPICAL_LINE_BYTES = 180;
/** The tables an import writes in bulk. */
const IMPORTED_TABLES = ['signals', 'matches', 'match_participants'] as const;
/** The indexes of archived signals: an import of active signals leaves them empty, so they stay until an archived one comes. */
const ONLY_ARCHIVED = /\bWHERE status = 'archived'$/;

export interface ImportOptions {
  /** Worker threads that parse and seal while this thread writes; 0 does everything in this thread. Default: cores - 1, at most 4. */
  workers?: number;
}

export interface ImportReport {
  file: string;
  sha256: string;
  lines: number;
  imported: { active: number; archived: number };
  skipped: { removalDatePassed: number; archiveEnded: number; duplicates: number; listed: SkippedListing[] };
  matches: { created: number; throughService: number };
  ids: { first: string | null; last: string | null };
  /** Worker threads that prepared lines, with the importing thread (0: the importing thread prepared them all). */
  workers: number;
  /**
   * Milliseconds: reading, preparing and writing the signals and most of their matches; the rest
   * of the matching; building the indexes that were left out during the load; the planner
   * statistics; the commit.
   */
  phases: { writeMs: number; matchMs: number; indexMs: number; analyzeMs: number; commitMs: number };
  ms: number;
}

/** The file had bad lines; nothing was imported. */
export class ImportRejected extends AppError {
  constructor(
    readonly problems: LineProblem[],
    readonly problemCount: number,
    readonly lines: number,
  ) {
    super('IMPORT_REJECTED', `${problemCount} of ${lines} lines are not valid signals; nothing was imported`, 422, problems);
  }
}

export function defaultWorkerCount(): number {
  return Math.max(0, Math.min(availableParallelism() - 1, 4));
}

export function createBulkImportService(ctx: RegionContext, matches: MatchService, coordination: CoordinationService) {
  const { db } = ctx;
  const hasDecisionRule = (): boolean => ctx.config.coordination.categoryOrder.length > 0;
  const beginMatching = createImportMatcher(db, matches, coordination, hasDecisionRule);
  const beginWriting = createSignalWriter(db);
  const fullPass = createFullMatchingPass(db, matches, coordination, hasDecisionRule);
  const q = {
    lastRowid: db.prepare<[], number>('SELECT COALESCE(MAX(rowid), 0) FROM signals').pluck(),
    municipalities: db.prepare<[], string>('SELECT code FROM municipalities').pluck(),
    professionals: db.prepare<[], { id: string; institution_id: string; authorised: number }>('SELECT id, institution_id, authorised FROM professionals'),
  };
  const record = (actor: Actor, action: string, outcome: string, detail: object): void =>
    ctx.audit.record({ ...auditActor(actor), action, objectType: 'signal', objectId: null, outcome, detail: { ...detail } }, ctx.now());

  function references(): ImportReferences {
    return {
      municipalities: q.municipalities.all(),
      professionals: q.professionals.all().map((p) => ({ id: p.id, institutionId: p.institution_id, authorised: p.authorised === 1 })),
    };
  }

  function pipelineFor(refs: ImportReferences, workers: number, source: ChunkSource): ChunkPipeline {
    const setup = { refs, today: today(ctx), nowMs: ctx.now().getTime(), timeZone: ctx.config.timeZone };
    if (workers === 0) return inlinePipeline(setup, ctx.vault, source);
    // The workers seal with the region's own keys; the pipeline proves it against ctx.vault before any row.
    const keys = resolveBsnKeys(ctx.config, ctx.log.child({}, { level: 'silent' }));
    try {
      return workerPipeline(setup, keys, ctx.vault, workers, source);
    } catch (err) {
      ctx.log.warn({ err: { message: (err as Error).message }, workers }, 'bulk import workers did not start; importing in one thread');
      return inlinePipeline(setup, ctx.vault, source);
    }
  }

  function importFile(actor: Actor, file: string, options: ImportOptions = {}): ImportReport {
    const started = performance.now();
    const reader = new NdjsonChunks(file, CHUNK_BYTES);
    const now = ctx.now();
    const nowIso = now.toISOString();
    const reminderCutoff = new Date(now.getTime() - ctx.config.lifecycle.informingReminderDays * 86_400_000).toISOString();
    const phases = { writeMs: 0, matchMs: 0, indexMs: 0, analyzeMs: 0, commitMs: 0 };
    let closePipeline = (): void => {};
    let commitStarted = 0;

    let journal: ImportJournal | null = null;
    const cacheBefore = db.pragma('cache_size', { simple: true }) as number;
    const foreignKeysBefore = db.pragma('foreign_keys', { simple: true }) as number;
    try {
      // The bulk session: a larger page cache, and no foreign-key checks (they cost a third of
      // the writes): every reference is checked against the covenant area as read inside this
      // transaction, so it cannot change before the commit.
      db.pragma(`cache_size = -${IMPORT_CACHE_KIB}`);
      db.pragma('foreign_keys = OFF');
      journal = journalForImport(db, ctx.log);
      const report = db.transaction(() => {
        const refs = references();
        const deferred = deferIndexesOfEmptyTables(db, IMPORTED_TABLES, (sql) => ONLY_ARCHIVED.test(sql));
        const since = q.lastRowid.get()!;
        const ids = uuid7Sequence(now.getTime());
        const matcher = beginMatching({
          since, ids, matchIds: uuid7Sequence(now.getTime()), professionalIds: refs.professionals.map((p) => p.id), now: nowIso,
          expectedRows: reader.size / TYPICAL_LINE_BYTES,
        });
        const writer = beginWriting({
          since, refs, ids, matcher, now: nowIso, reminderCutoff, audit: (batch) => record(actor, 'signal.import-batch', 'ok', batch),
          firstArchived: () => deferred.release(),
        });
        const lines = pipelineFor(refs, options.workers ?? defaultWorkerCount(), () => reader.next());
        closePipeline = () => lines.close();
        for (let chunk = lines.next(); chunk; chunk = lines.next()) writer.take(chunk);
        if (writer.counts.problems > 0) throw new ImportRejected(writer.problems, writer.counts.problems, reader.lines);
        const c = writer.counts;
        // An empty file is a mistake (the wrong file, an export that failed), not a migration of nothing.
        if (c.active + c.archived + c.duplicates + c.removalDatePassed + c.archiveEnded === 0) {
          throw new AppError('EMPTY_FILE', 'the file holds no signals (it is empty, or blank lines only): nothing was imported', 422);
        }
        writer.finish();

        const written = performance.now();
        const matched = matcher.finish();
        const matchedAt = performance.now();
        deferred.rebuild();
        // Fresh statistics for the query planner after so large a change (SQLite's advice): without
        // them it looks a professional's signals up by signals_professional rather than by youth.
        // Sampled (analysis_limit, as PRAGMA optimize does): on a million signals 0.2 s instead of
        // 1 s, with the same query plans.
        const indexed = performance.now();
        const limitBefore = db.pragma('analysis_limit', { simple: true }) as number;
        db.pragma('analysis_limit = 1000');
        try {
          db.exec('ANALYZE');
        } finally {
          db.pragma(`analysis_limit = ${limitBefore}`);
        }
        Object.assign(phases, {
          writeMs: Math.round(written - started), matchMs: Math.round(matchedAt - written), indexMs: Math.round(indexed - matchedAt),
          analyzeMs: Math.round(performance.now() - indexed),
        });
        const { counts } = writer;
        const report: ImportReport = {
          file: basename(file),
          sha256: reader.sha256(),
          lines: reader.lines,
          imported: { active: counts.active, archived: counts.archived },
          skipped: { removalDatePassed: counts.removalDatePassed, archiveEnded: counts.archiveEnded, duplicates: counts.duplicates, listed: writer.listed() },
          matches: { created: matched.created, throughService: matched.throughService },
          ids: { first: writer.firstId, last: writer.lastId },
          workers: lines.workers,
          phases,
          ms: 0,
        };
        const { listed: _listed, ...skippedCounts } = report.skipped;
        record(actor, 'signal.import', 'ok', {
          file: report.file, sha256: report.sha256, lines: report.lines, imported: report.imported, skipped: skippedCounts,
          matches: report.matches, firstSignalId: writer.firstId, lastSignalId: writer.lastId,
        });
        commitStarted = performance.now();
        return report;
      }).immediate();
      phases.commitMs = Math.round(performance.now() - commitStarted);
      report.ms = Math.round(performance.now() - started);
      return report;
    } catch (err) {
      // A refusal is audited outside the rolled-back transaction.
      if (err instanceof ImportRejected) {
        record(actor, 'signal.import', 'rejected:IMPORT_REJECTED', { file: basename(file), sha256: reader.sha256(), lines: err.lines, badLines: err.problemCount });
      } else if (err instanceof AppError) {
        record(actor, 'signal.import', `rejected:${err.code}`, { file: basename(file), lines: reader.lines });
      }
      throw err;
    } finally {
      closePipeline();
      reader.close();
      db.pragma(`cache_size = ${cacheBefore}`);
      journal?.restore();
      db.pragma(`foreign_keys = ${foreignKeysBefore ? 'ON' : 'OFF'}`);
    }
  }

  return {
    importFile,

    /**
     * A full matching pass over every active signal: makes the matches that are missing, without
     * notices (after a restore, or to check a migrated region). Returns how many it made.
     */
    matchAll: (actor: Actor, options: { slice?: number } = {}) =>
      db.transaction(() => {
        const now = ctx.now();
        const result = fullPass(uuid7Sequence(now.getTime()), now.toISOString(), options.slice);
        record(actor, 'match.full-pass', 'ok', { ...result });
        return result;
      }).immediate(),
  };
}

export type BulkImportService = ReturnType<typeof createBulkImportService>;

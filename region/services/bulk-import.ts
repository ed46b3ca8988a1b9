import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { resolveBsnKeys } from '../crypto/keys.js';
import { AppError } from '../errors.js';
import { auditActor, today, type Actor, type RegionContext } from './context.js';
import type { CoordinationService } from './coordination.js';
import type { MatchService } from './matches.js';
import { uuid7Sequence } from './bulk-import/ids.js';
import { createFullMatchingPass } from './bulk-import/full-pass.js';
import { createImportMatcher } from './bulk-import/import-matches.js';
import { NdjsonChunks } from './bulk-import/ndjson.js';
import type { ImportReferences, LineProblem, PreparedChunk, SkippedLine } from './bulk-import/prepare.js';
import { inlinePipeline, workerPipeline, type ChunkPipeline } from './bulk-import/workers.js';
import { YouthGroups } from './bulk-import/youth-groups.js';

/**
 * Bulk import of signals, for a supplier migrating a covenant area from another system: an
 * NDJSON file, one signal per line (docs/bulk-import.md). Every line is held to the rules of a
 * registration (domain/migrated-signal.ts) and every BSN is sealed and blind-indexed like a
 * registered one, in worker threads while this thread writes (bulk-import/workers.ts); the
 * matches are made after the rows are written, from an in-memory index of the imported youths
 * (bulk-import/import-matches.ts), and matchAll() is a full matching pass in SQL.
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
 */
export const AUDIT_BATCH = 10_000;
/** The problems and skipped lines a report lists one by one; the rest are counted. */
export const LISTED_LINES = 100;
/** SQLite page cache during an import (KiB): the signals' indexes take random inserts. */
const IMPORT_CACHE_KIB = 131_072;

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
  /** Worker threads that prepared the lines (0: the importing thread did). */
  workers: number;
  /** Milliseconds: reading, preparing and writing the signals; the matching; the planner statistics; the commit; in all. */
  phases: { writeMs: number; matchMs: number; analyzeMs: number; commitMs: number };
  ms: number;
}

export interface SkippedListing {
  line: number;
  reason: SkippedLine['reason'] | 'duplicate';
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
  const matchImport = createImportMatcher(db, matches, coordination, hasDecisionRule);
  const fullPass = createFullMatchingPass(db, matches, coordination, hasDecisionRule);
  const q = {
    lastRowid: db.prepare<[], number>('SELECT COALESCE(MAX(rowid), 0) FROM signals').pluck(),
    municipalities: db.prepare<[], string>('SELECT code FROM municipalities').pluck(),
    professionals: db.prepare<[], { id: string; institution_id: string; authorised: number }>('SELECT id, institution_id, authorised FROM professionals'),
    insert: db.prepare(
      `INSERT INTO signals (id, youth_key, bsn_sealed, turns23_on, municipality, professional_id, institution_id, status,
         registered_at, removal_date, removed_at, removal_reason, archive_until, informing_reminded_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
  };
  const record = (actor: Actor, action: string, outcome: string, detail: Record<string, unknown>): void =>
    ctx.audit.record({ ...auditActor(actor), action, objectType: 'signal', objectId: null, outcome, detail }, ctx.now());

  function references(): ImportReferences {
    return {
      municipalities: q.municipalities.all(),
      professionals: q.professionals.all().map((p) => ({ id: p.id, institutionId: p.institution_id, authorised: p.authorised === 1 })),
    };
  }

  function pipelineFor(refs: ImportReferences, workers: number): ChunkPipeline {
    const setup = { refs, today: today(ctx), timeZone: ctx.config.timeZone };
    if (workers === 0) return inlinePipeline(setup, ctx.vault);
    // The workers seal with the region's own keys; the pipeline proves it against ctx.vault before any row.
    const keys = resolveBsnKeys(ctx.config, ctx.log.child({}, { level: 'silent' }));
    try {
      return workerPipeline(setup, keys, ctx.vault, workers);
    } catch (err) {
      ctx.log.warn({ err: { message: (err as Error).message }, workers }, 'bulk import workers did not start; importing in one thread');
      return inlinePipeline(setup, ctx.vault);
    }
  }

  function importFile(actor: Actor, file: string, options: ImportOptions = {}): ImportReport {
    const started = performance.now();
    let refs: ImportReferences = { municipalities: [], professionals: [] };
    const reader = new NdjsonChunks(file);
    let closePipeline = (): void => {};
    const phases = { writeMs: 0, matchMs: 0, analyzeMs: 0, commitMs: 0 };
    let commitStarted = 0;
    const nowIso = ctx.now().toISOString();
    const ids = uuid7Sequence(ctx.now().getTime());
    const reminderCutoff = new Date(ctx.now().getTime() - ctx.config.lifecycle.informingReminderDays * 86_400_000).toISOString();
    const problems: LineProblem[] = [];
    let problemCount = 0;
    const skipped: SkippedListing[] = [];
    const counts = { active: 0, archived: 0, removalDatePassed: 0, archiveEnded: 0 };
    const rowLines: number[] = [];
    const groups = new YouthGroups();
    let firstId: string | null = null;
    let lastId: string | null = null;
    let batch = { from: 0, to: 0, signals: 0, firstId: '', lastId: '' };

    const flushBatch = (): void => {
      if (batch.signals === 0) return;
      record(actor, 'signal.import-batch', 'ok', {
        lines: [batch.from, batch.to], signals: batch.signals, firstSignalId: batch.firstId, lastSignalId: batch.lastId,
      });
      batch = { from: 0, to: 0, signals: 0, firstId: '', lastId: '' };
    };

    const insertChunk = (c: PreparedChunk): void => {
      const sealed = Buffer.from(c.sealed.buffer, c.sealed.byteOffset, c.sealed.byteLength);
      for (let i = 0; i < c.line.length; i++) {
        const pro = refs.professionals[c.professional[i]];
        const archived = c.archiveUntil[i] !== null;
        const id = ids.next();
        const remindedAt = !archived && c.registeredAt[i] <= reminderCutoff ? nowIso : null;
        q.insert.run(
          id, c.youthKey[i], sealed.subarray(i * c.stride, (i + 1) * c.stride), c.turns23[i], c.municipality[i], pro.id, pro.institutionId,
          archived ? 'archived' : 'active', c.registeredAt[i], c.removalDate[i], c.removedAt[i], c.removalReason[i], c.archiveUntil[i], remindedAt,
        );
        if (!archived) groups.add(rowLines.length, c.youthKey[i], c.professional[i]);
        rowLines.push(c.line[i]);
        counts[archived ? 'archived' : 'active']++;
        firstId ??= id;
        lastId = id;
        if (batch.signals === 0) {
          batch.from = c.line[i];
          batch.firstId = id;
        }
        batch.to = c.line[i];
        batch.lastId = id;
        if (++batch.signals === AUDIT_BATCH) flushBatch();
      }
    };

    const take = (c: PreparedChunk): void => {
      for (const p of c.problems) if (problems.length < LISTED_LINES) problems.push(p);
      problemCount += c.problems.length;
      for (const s of c.skipped) {
        counts[s.reason === 'removal-date-passed' ? 'removalDatePassed' : 'archiveEnded']++;
        if (skipped.length < LISTED_LINES) skipped.push(s);
      }
      if (problemCount === 0) insertChunk(c);
    };

    const cacheBefore = db.pragma('cache_size', { simple: true }) as number;
    const foreignKeysBefore = db.pragma('foreign_keys', { simple: true }) as number;
    try {
      // The bulk session: a page cache that holds the signals' indexes, and no foreign-key checks
      // (they cost a third of the writes): every reference is checked against the covenant area
      // as read inside this transaction, so it cannot change before the commit.
      db.pragma(`cache_size = -${IMPORT_CACHE_KIB}`);
      db.pragma('foreign_keys = OFF');
      const report = db.transaction(() => {
        refs = references();
        const lines = pipelineFor(refs, options.workers ?? defaultWorkerCount());
        closePipeline = () => lines.close();
        const since = q.lastRowid.get()!;
        const ahead = Math.max(1, lines.workers * 2);
        for (;;) {
          while (lines.pending < ahead) {
            const chunk = reader.next();
            if (!chunk) break;
            lines.submit(chunk);
          }
          if (lines.pending === 0) break;
          take(lines.take());
        }
        if (problemCount > 0) throw new ImportRejected(problems, problemCount, reader.lines);
        flushBatch();
        if (q.lastRowid.get()! !== since + rowLines.length) throw new Error('bulk import: rowids are not consecutive');

        const written = performance.now();
        const matched = matchImport({ groups, since, ids, professionalIds: refs.professionals.map((p) => p.id), now: nowIso });
        // Fresh statistics for the query planner after so large a change (SQLite's advice): without
        // them it looks a professional's signals up by signals_professional rather than by youth.
        const analyzed = performance.now();
        db.exec('ANALYZE');
        phases.analyzeMs = Math.round(performance.now() - analyzed);
        phases.matchMs = Math.round(analyzed - written);
        phases.writeMs = Math.round(written - started);
        for (const row of matched.duplicateRows) {
          if (skipped.length < LISTED_LINES) skipped.push({ line: rowLines[row], reason: 'duplicate' });
          counts.active--;
        }
        skipped.sort((a, b) => a.line - b.line);
        const report: ImportReport = {
          file: basename(file),
          sha256: reader.sha256(),
          lines: reader.lines,
          imported: { active: counts.active, archived: counts.archived },
          skipped: { removalDatePassed: counts.removalDatePassed, archiveEnded: counts.archiveEnded, duplicates: matched.duplicateRows.length, listed: skipped },
          matches: { created: matched.created, throughService: matched.throughService },
          ids: { first: firstId, last: lastId },
          workers: lines.workers,
          phases,
          ms: 0,
        };
        const { listed: _listed, ...skippedCounts } = report.skipped;
        record(actor, 'signal.import', 'ok', {
          file: report.file, sha256: report.sha256, lines: report.lines, imported: report.imported, skipped: skippedCounts,
          matches: report.matches, firstSignalId: firstId, lastSignalId: lastId,
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
      db.pragma(`foreign_keys = ${foreignKeysBefore ? 'ON' : 'OFF'}`);
    }
  }

  return {
    importFile,

    /**
     * A full matching pass over every active signal: makes the matches that are missing, without
     * notices (after a restore, or to check a migrated region). Returns how many it made.
     */
    matchAll: (actor: Actor) =>
      db.transaction(() => {
        const now = ctx.now();
        const result = fullPass(uuid7Sequence(now.getTime()), now.toISOString());
        record(actor, 'match.full-pass', 'ok', { ...result });
        return result;
      }).immediate(),
  };
}

export type BulkImportService = ReturnType<typeof createBulkImportService>;

import { execFileSync } from 'node:child_process';
import { uuid7 } from '../../region/store/ids.js';
import { turns23On } from '../../region/domain/youth.js';
import { childMain } from '../lib/child.js';
import { birthDateOf, bsnOf, municipalityCode } from '../lib/data.js';
import { AREA, withRunningServices } from '../lib/region.js';
import { mean, percentile } from '../lib/stats.js';

/**
 * Benchmark 3, in one process on the region in `dataDir`: the time of a registration through the
 * signal service (validation, sealing, the match check on the youth's active and archived
 * signals, match and notices when one arises, audit entry; no HTTP) against the time of the bare
 * insert of one signal row for a new youth, each in its own transaction, on the same database
 * (with the background WAL checkpointer a serving index has, so neither side copies the log back
 * itself). The two alternate one by one, so that both see the same machine, the same state of
 * SQLite's and the OS's caches and the same checkpoints; before the first, the data set's files
 * are flushed to disk (`sync`), so that the write-back of the import that made them does not land
 * on one side. Youths: new ones, ones with active signals, and ones with archived signals (the
 * BSN of a random signal of that status). Before the measured ones, WARM_UP of each are made and
 * not counted. The match check's own lookups are timed apart, after the registrations, on youths
 * not used before.
 * Args: <dataDir> <signals in the data set> <now ms of the data set> <registrations>
 */
/** Bare inserts and registrations before the measured ones. */
const WARM_UP = 600;

export type Kind = 'new youth' | 'youth with active signals' | 'youth with archived signals';
/**
 * What the match check found: nothing (no other active signal, no archived signal to tell about), an
 * archived signal of another professional it told the registering one about (a history notice,
 * 7.1.4.6), a match it made or joined, or the professional's own active signal (200).
 */
export type Outcome = 'nothing found' | 'history notice' | 'match made or joined' | 'own signal returned';
export interface MatchCheckResult {
  type: 'result';
  insertUs: number[];
  /** The match check's own lookups (the queries of signals.ts and matches.ts a registration makes on the youth). */
  lookupUs: number[];
  registerUs: Record<Kind, number[]>;
  /** The same registrations by what the match check found (Outcome). */
  outcomeUs: Record<Outcome, number[]>;
  statuses: Record<string, number>;
  matchesMade: number;
  signalsInDb: number;
}

await childMain(async () => {
  const [dataDir, signalsArg, nowArg, countArg] = process.argv.slice(2);
  const [signals, nowMs, count] = [Number(signalsArg), Number(nowArg), Number(countArg)];
  return withRunningServices(dataDir, (s) => {
    const db = s.ctx.db;
    const pros = db.prepare('SELECT id, institution_id FROM professionals WHERE authorised = 1 ORDER BY id').all() as { id: string; institution_id: string }[];
    // The row signals.register writes (region/services/signals.ts), without anything around it.
    const insert = db.prepare(
      `INSERT INTO signals (id, youth_key, bsn_sealed, turns23_on, municipality, professional_id, institution_id, status, registered_at, removal_date)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)`,
    );
    const bareInsert = db.transaction((values: unknown[]) => insert.run(...values));
    // The same SQL as region/services/signals.ts (ofYouthToCheck) and matches.ts (activeMatch).
    const cols = 'id, youth_key, turns23_on, municipality, professional_id, institution_id, status, registered_at, removal_date, removed_at, removal_reason, archive_until, match_id, verified_at';
    const ofYouthToCheck = db.prepare(
      `SELECT ${cols} FROM signals WHERE youth_key = ? AND status = 'active'
       UNION ALL
       SELECT ${cols} FROM signals WHERE youth_key = ? AND status = 'archived' AND history_notified_at IS NULL AND professional_id <> ?`,
    );
    const activeMatch = db.prepare("SELECT id, kind, status, created_at, ended_at FROM matches WHERE youth_key = ? AND status = 'active'");
    let draw = 7;
    const rnd = (n: number): number => {
      draw = (Math.imul(draw, 1103515245) + 12345) >>> 0;
      return draw % n;
    };
    // Youths with active (or archived) signals: the BSNs of random signals of that status, opened with the region's key.
    const range = db.prepare<[string], { lo: number | null; hi: number | null }>('SELECT MIN(rowid) AS lo, MAX(rowid) AS hi FROM signals WHERE status = ?');
    const sealedFrom = db.prepare<[string, number], Buffer>('SELECT bsn_sealed FROM signals WHERE status = ? AND rowid >= ? LIMIT 1').pluck();
    const sample = (status: string): string[] => {
      const { lo, hi } = range.get(status)!;
      const bsns: string[] = [];
      for (let i = 0; lo !== null && hi !== null && i < 3 * count + WARM_UP; i++) {
        const sealed = sealedFrom.get(status, lo + rnd(hi - lo + 1));
        if (sealed) bsns.push(s.ctx.vault.open(sealed));
      }
      return bsns;
    };
    let next = 4 * signals;
    const newYouth = (): string => bsnOf(next++);
    // Each registration and each timed lookup takes the next youth of the sample: none is used twice (unless drawn twice).
    const from = (bsns: string[]) => {
      let k = 0;
      return (): string => bsns[k++ % bsns.length];
    };
    const active = sample('active');
    const archived = sample('archived');
    // An empty region has neither: there every registration is on a new youth.
    const youthOf: Partial<Record<Kind, () => string>> = {
      'new youth': newYouth,
      ...(active.length ? { 'youth with active signals': from(active) } : {}),
      ...(archived.length ? { 'youth with archived signals': from(archived) } : {}),
    };
    const kinds = Object.keys(youthOf) as Kind[];
    const result: MatchCheckResult = {
      type: 'result', insertUs: [], registerUs: { 'new youth': [], 'youth with active signals': [], 'youth with archived signals': [] },
      outcomeUs: { 'nothing found': [], 'history notice': [], 'match made or joined': [], 'own signal returned': [] },
      lookupUs: [], statuses: {}, matchesMade: 0, signalsInDb: db.prepare('SELECT COUNT(*) FROM signals').pluck().get() as number,
    };
    let fresh = 10 * signals;
    const nowIso = new Date().toISOString();
    const lastNotice = db.prepare('SELECT MAX(rowid) FROM notices').pluck();
    const bareInsertOfNewYouth = (measured: boolean): void => {
      const j = fresh++;
      const bsn = bsnOf(j);
      const pro = pros[rnd(pros.length)];
      const values = [
        uuid7(), s.ctx.vault.youthKey(bsn), s.ctx.vault.seal(bsn), turns23On(birthDateOf(j, nowMs)), municipalityCode(j % AREA.municipalities),
        pro.id, pro.institution_id, nowIso, '2099-01-01',
      ];
      const t = process.hrtime.bigint();
      bareInsert(values);
      if (measured) result.insertUs.push(Number(process.hrtime.bigint() - t) / 1000);
    };
    const registration = (i: number, measured: boolean): void => {
      const kind = kinds[i % kinds.length];
      const bsn = youthOf[kind]!();
      const pro = pros[rnd(pros.length)];
      const actor = { kind: 'professional' as const, professionalId: pro.id, institutionId: pro.institution_id };
      const input = { bsn, birthDate: birthDateOf(i, nowMs), municipality: municipalityCode(i % AREA.municipalities), legalGroundConfirmed: true };
      const noticesBefore = lastNotice.get();
      const t = process.hrtime.bigint();
      const r = s.signals.register(actor, input);
      const us = Number(process.hrtime.bigint() - t) / 1000;
      if (!measured) return;
      result.registerUs[kind].push(us);
      const outcome: Outcome =
        r.status === 200 ? 'own signal returned' : r.signal.matchId ? 'match made or joined' : lastNotice.get() !== noticesBefore ? 'history notice' : 'nothing found';
      result.outcomeUs[outcome].push(us);
      result.statuses[r.status] = (result.statuses[r.status] ?? 0) + 1;
      if (r.signal.matchId) result.matchesMade++;
    };
    // Warm-up, not measured: the JIT compiles both paths, and the write-ahead log grows to its
    // working size (before, a commit that makes the file longer may wait for the file system's journal).
    for (let i = 0; i < WARM_UP; i++) {
      bareInsertOfNewYouth(false);
      registration(i, false);
    }
    // The import that made the data set, and the copy before it, may still be writing back to disk.
    execFileSync('sync');
    for (let i = 0; i < count; i++) {
      bareInsertOfNewYouth(true);
      registration(i, true);
    }
    // The match check's own lookups, on youths of each kind not registered above.
    for (let i = 0; i < count; i++) {
      const youthKey = s.ctx.vault.youthKey(youthOf[kinds[i % kinds.length]]!());
      const pro = pros[rnd(pros.length)];
      const l = process.hrtime.bigint();
      ofYouthToCheck.all(youthKey, youthKey, pro.id);
      activeMatch.all(youthKey);
      result.lookupUs.push(Number(process.hrtime.bigint() - l) / 1000);
    }
    process.stderr.write(`  insert mean ${mean(result.insertUs).toFixed(0)} µs p99 ${percentile(result.insertUs, 99).toFixed(0)} µs\n`);
    return result;
  });
});

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
 * insert of one signal row, each in its own transaction, on the same database (with the background
 * WAL checkpointer a serving index has, so neither side copies the log back itself). Rounds alternate
 * the two so that both see the same machine. Youths: new ones, ones with active signals, and
 * ones with archived signals (the BSN of a random signal of that status).
 * Args: <dataDir> <signals in the data set> <now ms of the data set> <rounds> <per round>
 */
export type Kind = 'new youth' | 'youth with active signals' | 'youth with archived signals';
export type Outcome = 'no match' | 'match made or joined' | 'own signal returned';
export interface MatchCheckResult {
  type: 'result';
  insertUs: number[];
  /** The match check's own lookups (the queries of signals.ts and matches.ts a registration makes on the youth). */
  lookupUs: number[];
  registerUs: Record<Kind, number[]>;
  /** The same registrations by what the match check found: nothing, a match made or joined, the professional's own active signal (200). */
  outcomeUs: Record<Outcome, number[]>;
  statuses: Record<string, number>;
  matchesMade: number;
  signalsInDb: number;
}

await childMain(async () => {
  const [dataDir, signalsArg, nowArg, roundsArg, perRoundArg] = process.argv.slice(2);
  const [signals, nowMs, rounds, perRound] = [Number(signalsArg), Number(nowArg), Number(roundsArg), Number(perRoundArg)];
  return withRunningServices(dataDir, (s) => {
    const db = s.ctx.db;
    const pros = db.prepare('SELECT id, institution_id FROM professionals WHERE authorised = 1 ORDER BY id').all() as { id: string; institution_id: string }[];
    // The row signals.register writes (region/services/signals.ts), without anything around it.
    const insert = db.prepare(
      `INSERT INTO signals (id, youth_key, bsn_sealed, turns23_on, municipality, professional_id, institution_id, status, registered_at, removal_date)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)`,
    );
    const bareInsert = db.transaction((values: unknown[]) => insert.run(...values));
    // The same SQL as region/services/signals.ts (activeOfYouth, unnotifiedArchive) and matches.ts (activeMatch).
    const lookups = [
      db.prepare("SELECT id, professional_id, registered_at, removed_at FROM signals WHERE youth_key = ? AND status = 'archived' AND history_notified_at IS NULL AND professional_id <> ?"),
    ];
    const youthLookups = [
      db.prepare("SELECT id, youth_key, turns23_on, municipality, professional_id, institution_id, status, registered_at, removal_date, removed_at, removal_reason, archive_until, match_id, verified_at FROM signals WHERE youth_key = ? AND status = 'active'"),
      db.prepare("SELECT id, kind, status, created_at, ended_at FROM matches WHERE youth_key = ? AND status = 'active'"),
    ];
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
      for (let i = 0; lo !== null && hi !== null && i < 2 * rounds * perRound; i++) {
        const sealed = sealedFrom.get(status, lo + rnd(hi - lo + 1));
        if (sealed) bsns.push(s.ctx.vault.open(sealed));
      }
      return bsns;
    };
    let next = 4 * signals;
    const newYouth = (): string => bsnOf(next++);
    const from = (bsns: string[]) => (): string => bsns[rnd(bsns.length)];
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
      outcomeUs: { 'no match': [], 'match made or joined': [], 'own signal returned': [] },
      lookupUs: [], statuses: {}, matchesMade: 0, signalsInDb: db.prepare('SELECT COUNT(*) FROM signals').pluck().get() as number,
    };
    let fresh = 10 * signals;
    const nowIso = new Date().toISOString();
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < perRound; i++) {
        const j = fresh++;
        const bsn = bsnOf(j);
        const pro = pros[rnd(pros.length)];
        const values = [
          uuid7(), s.ctx.vault.youthKey(bsn), s.ctx.vault.seal(bsn), turns23On(birthDateOf(j, nowMs)), municipalityCode(j % AREA.municipalities),
          pro.id, pro.institution_id, nowIso, '2099-01-01',
        ];
        const t = process.hrtime.bigint();
        bareInsert(values);
        result.insertUs.push(Number(process.hrtime.bigint() - t) / 1000);
      }
      for (let i = 0; i < perRound; i++) {
        const kind = kinds[i % kinds.length];
        const bsn = youthOf[kind]!();
        const pro = pros[rnd(pros.length)];
        const actor = { kind: 'professional' as const, professionalId: pro.id, institutionId: pro.institution_id };
        const input = { bsn, birthDate: birthDateOf(i, nowMs), municipality: municipalityCode(i % AREA.municipalities), legalGroundConfirmed: true };
        const youthKey = s.ctx.vault.youthKey(bsn);
        const l = process.hrtime.bigint();
        for (const q of lookups) q.all(youthKey, pro.id);
        for (const q of youthLookups) q.all(youthKey);
        result.lookupUs.push(Number(process.hrtime.bigint() - l) / 1000);
        const t = process.hrtime.bigint();
        const r = s.signals.register(actor, input);
        const us = Number(process.hrtime.bigint() - t) / 1000;
        result.registerUs[kind].push(us);
        result.outcomeUs[r.status === 200 ? 'own signal returned' : r.signal.matchId ? 'match made or joined' : 'no match'].push(us);
        result.statuses[r.status] = (result.statuses[r.status] ?? 0) + 1;
        if (r.signal.matchId) result.matchesMade++;
      }
    }
    process.stderr.write(`  insert mean ${mean(result.insertUs).toFixed(0)} µs p99 ${percentile(result.insertUs, 99).toFixed(0)} µs\n`);
    return result;
  });
});

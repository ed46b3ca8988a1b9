import { AppError, notFound } from '../errors.js';
import { addYears, isCalendarDate } from '../domain/calendar.js';
import { ageFromTurns23, partiesToInform, type InformedParty, type InformingMethod } from '../domain/informing.js';
import { auditActor, refusalsAudited, today, type Actor, type RegionContext } from './context.js';

/**
 * Informatieplicht (7.1.5.1): the professional records whom they informed of the signal, when
 * and how. Whom is derived from the youth's age on that day; the professional confirms or
 * corrects it. Signals not informed in time are listed and counted per institution.
 */
type ProfessionalActor = Extract<Actor, { kind: 'professional' }>;

export interface InformingInput {
  informed?: InformedParty[];
  informedOn: string;
  method: InformingMethod;
}

interface InformingRow {
  informed: string;
  informed_on: string;
  method: string;
  recorded_at: string;
}

export function createInformingService(ctx: RegionContext) {
  const { db, audit } = ctx;
  const q = {
    signal: db.prepare<[string], { id: string; professional_id: string; status: string; registered_at: string; turns23_on: string | null }>(
      'SELECT id, professional_id, status, registered_at, turns23_on FROM signals WHERE id = ?',
    ),
    upsert: db.prepare(
      `INSERT INTO signal_informing (signal_id, informed, informed_on, method, recorded_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (signal_id) DO UPDATE SET informed = excluded.informed, informed_on = excluded.informed_on, method = excluded.method, recorded_at = excluded.recorded_at`,
    ),
    get: db.prepare<[string], InformingRow>('SELECT informed, informed_on, method, recorded_at FROM signal_informing WHERE signal_id = ?'),
    outstanding: db.prepare<[string], { id: string; registered_at: string; removal_date: string }>(
      `SELECT s.id, s.registered_at, s.removal_date FROM signals s LEFT JOIN signal_informing i ON i.signal_id = s.id
       WHERE s.professional_id = ? AND s.status = 'active' AND i.signal_id IS NULL ORDER BY s.registered_at`,
    ),
    perInstitution: db.prepare<[string], { institution_id: string; name: string; active: number; informed: number; overdue: number }>(
      `SELECT i.id AS institution_id, i.name,
         COUNT(s.id) AS active,
         COUNT(f.signal_id) AS informed,
         SUM(CASE WHEN s.id IS NOT NULL AND f.signal_id IS NULL AND s.registered_at <= ? THEN 1 ELSE 0 END) AS overdue
       FROM institutions i
       LEFT JOIN signals s ON s.institution_id = i.id AND s.status = 'active'
       LEFT JOIN signal_informing f ON f.signal_id = s.id
       GROUP BY i.id ORDER BY i.name`,
    ),
  };
  const cutoff = (): string => new Date(ctx.now().getTime() - ctx.config.lifecycle.informingReminderDays * 86_400_000).toISOString();
  const view = (signalId: string, row: InformingRow, derived: InformedParty[]) => ({
    signalId,
    informed: JSON.parse(row.informed) as InformedParty[],
    derived,
    informedOn: row.informed_on,
    method: row.method,
    recordedAt: row.recorded_at,
  });

  const recordTx = db.transaction((actor: ProfessionalActor, signalId: string, input: InformingInput) => {
    const s = q.signal.get(signalId);
    if (!s || s.professional_id !== actor.professionalId) throw notFound('signal');
    if (s.status !== 'active') throw new AppError('SIGNAL_NOT_ACTIVE', `signal is ${s.status}, not active`, 409);
    if (!isCalendarDate(input.informedOn)) throw new AppError('VALIDATION_ERROR', 'informedOn: must be a date in the form YYYY-MM-DD', 400);
    const day = today(ctx);
    if (input.informedOn > day) throw new AppError('INFORMED_IN_FUTURE', 'informedOn lies in the future', 400);
    // Before the signal is fine (the guidance is to inform beforehand where possible); before the youth was born is a typing error.
    if (input.informedOn < addYears(s.turns23_on!, -23, 'earlier')) throw new AppError('INFORMED_BEFORE_BIRTH', 'informedOn lies before the youth was born: check the date', 400);
    const derived = partiesToInform(ageFromTurns23(s.turns23_on!, input.informedOn));
    const informed = input.informed && input.informed.length > 0 ? [...new Set(input.informed)].sort() : derived;
    q.upsert.run(signalId, JSON.stringify(informed), input.informedOn, input.method, ctx.now().toISOString());
    audit.record({ ...auditActor(actor), action: 'signal.informing', objectType: 'signal', objectId: signalId, outcome: 'ok' }, ctx.now());
    return view(signalId, q.get.get(signalId)!, derived);
  });

  return {
    record: (actor: ProfessionalActor, signalId: string, input: InformingInput) =>
      refusalsAudited(ctx, { ...auditActor(actor), action: 'signal.informing', objectType: 'signal', objectId: signalId }, () => recordTx(actor, signalId, input)),

    /** The acting professional's active signals that nobody was informed of yet. */
    outstanding(actor: ProfessionalActor) {
      const limit = cutoff();
      const rows = q.outstanding.all(actor.professionalId);
      audit.record({ ...auditActor(actor), action: 'informing.outstanding', objectType: 'signal', outcome: 'ok', detail: { count: rows.length } }, ctx.now());
      return rows.map((r) => ({ signalId: r.id, registeredAt: r.registered_at, removalDate: r.removal_date, overdue: r.registered_at <= limit }));
    },

    /** Per institution: active signals, how many informed, how many overdue. */
    report(actor: Actor) {
      const rows = q.perInstitution.all(cutoff());
      audit.record({ ...auditActor(actor), action: 'report.informing', outcome: 'ok' }, ctx.now());
      return rows.map((r) => ({ institution: { id: r.institution_id, name: r.name }, active: r.active, informed: r.informed, overdue: r.overdue ?? 0 }));
    },
  };
}

export type InformingService = ReturnType<typeof createInformingService>;

import { AppError, notFound } from '../errors.js';
import { isCoordinated, pickRegievoerder, type CoordinationParticipant } from '../domain/coordination.js';
import type { InstitutionCategory } from '../domain/categories.js';
import { auditActor, refusalsAudited, type Actor, type RegionContext } from './context.js';
import type { NoticeService } from './notices.js';

/**
 * Coordination after a match: the regievoerder (proposed by a participant, or assigned by the
 * covenant's decision rule), and "contact made" (afgestemd) per participant. A match is
 * coordinated when every participating professional recorded contact.
 */
type ProfessionalActor = Extract<Actor, { kind: 'professional' }>;

interface CoordRow {
  regievoerder_id: string | null;
  coordinated_at: string | null;
  status: string;
}

export function createCoordinationService(ctx: RegionContext, notices: NoticeService) {
  const { db, audit } = ctx;
  const q = {
    match: db.prepare<[string], CoordRow>('SELECT regievoerder_id, coordinated_at, status FROM matches WHERE id = ?'),
    participants: db.prepare<[string], { professional_id: string; category: InstitutionCategory; registered_at: string }>(
      `SELECT mp.professional_id, i.category, MIN(s.registered_at) AS registered_at
       FROM match_participants mp JOIN signals s ON s.id = mp.signal_id JOIN institutions i ON i.id = s.institution_id
       WHERE mp.match_id = ? AND mp.left_at IS NULL GROUP BY mp.professional_id ORDER BY registered_at`,
    ),
    contacts: db.prepare<[string], { professional_id: string; recorded_at: string }>('SELECT professional_id, recorded_at FROM match_contacts WHERE match_id = ?'),
    setRegievoerder: db.prepare('UPDATE matches SET regievoerder_id = ?, regievoerder_set_at = ?, regievoerder_by = ? WHERE id = ?'),
    addContact: db.prepare('INSERT OR IGNORE INTO match_contacts (match_id, professional_id, recorded_at) VALUES (?, ?, ?)'),
    dropContact: db.prepare('DELETE FROM match_contacts WHERE match_id = ? AND professional_id = ?'),
    setCoordinated: db.prepare('UPDATE matches SET coordinated_at = ? WHERE id = ?'),
  };
  const at = (): string => ctx.now().toISOString();

  function participantIds(matchId: string): string[] {
    return q.participants.all(matchId).map((p) => p.professional_id);
  }

  /** Keeps coordinated_at true to the participants and their contacts; call after any change. */
  function refreshCoordinated(matchId: string): void {
    const m = q.match.get(matchId)!;
    const done = isCoordinated(participantIds(matchId), new Set(q.contacts.all(matchId).map((c) => c.professional_id)));
    if (done && !m.coordinated_at) q.setCoordinated.run(at(), matchId);
    if (!done && m.coordinated_at) q.setCoordinated.run(null, matchId);
  }

  function requireParticipant(actor: ProfessionalActor, matchId: string): CoordRow {
    const m = q.match.get(matchId);
    if (!m || !participantIds(matchId).includes(actor.professionalId)) throw notFound('match');
    if (m.status !== 'active') throw new AppError('MATCH_ENDED', 'this match has ended', 409);
    return m;
  }

  const setRegievoerderTx = db.transaction((actor: ProfessionalActor, matchId: string, professionalId: string) => {
    requireParticipant(actor, matchId);
    const ids = participantIds(matchId);
    if (!ids.includes(professionalId)) {
      throw new AppError('NOT_A_PARTICIPANT', 'the regievoerder must be one of the professionals in this match', 422);
    }
    q.setRegievoerder.run(professionalId, at(), actor.professionalId, matchId);
    for (const p of ids) {
      if (p !== actor.professionalId) notices.toProfessional(p, 'regievoerder', matchId, { professionalIds: [professionalId] });
    }
    audit.record({ ...auditActor(actor), action: 'match.regievoerder', objectType: 'match', objectId: matchId, outcome: 'ok' }, ctx.now());
  });

  const recordContactTx = db.transaction((actor: ProfessionalActor, matchId: string) => {
    requireParticipant(actor, matchId);
    q.addContact.run(matchId, actor.professionalId, at());
    refreshCoordinated(matchId);
    audit.record({ ...auditActor(actor), action: 'match.contact', objectType: 'match', objectId: matchId, outcome: 'ok' }, ctx.now());
  });

  return {
    /** After the participants of a match changed: apply the decision rule where no regievoerder is left, and refresh "coordinated". */
    participantsChanged(matchId: string, leftProfessionalId?: string): void {
      const m = q.match.get(matchId);
      if (!m || m.status !== 'active') return;
      if (leftProfessionalId) q.dropContact.run(matchId, leftProfessionalId);
      const parts = q.participants.all(matchId);
      if (m.regievoerder_id && !parts.some((p) => p.professional_id === m.regievoerder_id)) q.setRegievoerder.run(null, null, null, matchId);
      const current = q.match.get(matchId)!;
      if (!current.regievoerder_id && ctx.config.coordination.categoryOrder.length > 0) {
        const list: CoordinationParticipant[] = parts.map((p) => ({ professionalId: p.professional_id, category: p.category, registeredAt: p.registered_at }));
        const chosen = pickRegievoerder(list, ctx.config.coordination.categoryOrder);
        if (chosen) q.setRegievoerder.run(chosen, at(), 'rule', matchId);
      }
      refreshCoordinated(matchId);
    },

    /** A professional is replaced by a colleague in a match (hand-over): the role moves, the contact must be made anew. */
    professionalReplaced(matchId: string, from: string, to: string): void {
      const m = q.match.get(matchId);
      if (!m) return;
      q.dropContact.run(matchId, from);
      if (m.regievoerder_id === from) q.setRegievoerder.run(to, at(), 'handover', matchId);
      refreshCoordinated(matchId);
    },

    setRegievoerder: (actor: ProfessionalActor, matchId: string, professionalId: string) =>
      refusalsAudited(ctx, { ...auditActor(actor), action: 'match.regievoerder', objectType: 'match', objectId: matchId }, () => setRegievoerderTx(actor, matchId, professionalId)),

    recordContact: (actor: ProfessionalActor, matchId: string) =>
      refusalsAudited(ctx, { ...auditActor(actor), action: 'match.contact', objectType: 'match', objectId: matchId }, () => recordContactTx(actor, matchId)),

    /** The coordination part of a match's view. */
    state(matchId: string) {
      const m = q.match.get(matchId);
      const contacts = new Map(q.contacts.all(matchId).map((c) => [c.professional_id, c.recorded_at]));
      return {
        regievoerderId: m?.regievoerder_id ?? null,
        coordinated: m?.coordinated_at != null,
        coordinatedAt: m?.coordinated_at ?? null,
        contactMadeAt: (professionalId: string) => contacts.get(professionalId) ?? null,
      };
    },
  };
}

export type CoordinationService = ReturnType<typeof createCoordinationService>;

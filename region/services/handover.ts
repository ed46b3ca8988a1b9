import { AppError, notFound } from '../errors.js';
import { distinctProfessionals } from '../domain/matching.js';
import { auditActor, type Actor, type RegionContext } from './context.js';
import type { CoordinationService } from './coordination.js';
import type { NoticeService } from './notices.js';
import type { MatchService } from './matches.js';
import type { Outbox } from './outbox.js';

/**
 * An institution's coordinator hands a professional's active signals over to a colleague of the
 * same institution (7.1.3.3), in one transaction: the signals, their places in matches and the
 * regievoerder role move; both professionals are told, and so are the other participants. Each
 * moved signal is registered again with the national index under the colleague (the same signal
 * id), so that other regions' matches show the new contact details.
 */
export function createHandoverService(ctx: RegionContext, notices: NoticeService, coordination: CoordinationService, matches: MatchService, outbox: Outbox) {
  const { db, audit } = ctx;
  const q = {
    professional: db.prepare<[string], { id: string; institution_id: string; authorised: number; is_coordinator: number }>(
      'SELECT id, institution_id, authorised, is_coordinator FROM professionals WHERE id = ?',
    ),
    activeSignals: db.prepare<[string], { id: string; match_id: string | null; bsn_sealed: Buffer; municipality: string; registered_at: string; removal_date: string; turns23_on: string }>(
      "SELECT id, match_id, bsn_sealed, municipality, registered_at, removal_date, turns23_on FROM signals WHERE professional_id = ? AND status = 'active'",
    ),
    moveSignal: db.prepare('UPDATE signals SET professional_id = ? WHERE id = ?'),
    moveParticipant: db.prepare('UPDATE match_participants SET professional_id = ? WHERE signal_id = ? AND left_at IS NULL'),
    participants: db.prepare<[string], { signal_id: string; professional_id: string }>(
      'SELECT signal_id, professional_id FROM match_participants WHERE match_id = ? AND left_at IS NULL',
    ),
    matchActive: db.prepare<[string], { status: string; kind: 'person' | 'family' }>('SELECT status, kind FROM matches WHERE id = ?'),
    familyMatches: db.prepare<[string], string>(
      `SELECT DISTINCT mp.match_id FROM match_participants mp JOIN matches m ON m.id = mp.match_id
       WHERE mp.signal_id = ? AND mp.left_at IS NULL AND m.kind = 'family' AND m.status = 'active'`,
    ).pluck(),
  };

  /** A coordinator may act for their own institution only; the covenant administrator for any. */
  function checkActor(actor: Actor, institutionId: string): void {
    if (actor.kind === 'admin' || actor.kind === 'system') return;
    const me = q.professional.get(actor.professionalId);
    if (!me || me.institution_id !== institutionId || me.is_coordinator !== 1) {
      throw new AppError('NOT_A_COORDINATOR', "only a coordinator of this professional's institution can hand over signals", 403);
    }
  }

  return {
    handOver: db.transaction((actor: Actor, institutionId: string, fromId: string, toId: string) => {
      checkActor(actor, institutionId);
      const from = q.professional.get(fromId);
      const to = q.professional.get(toId);
      if (!from || from.institution_id !== institutionId) throw notFound('professional to hand over from');
      if (!to || to.institution_id !== institutionId) throw notFound('colleague to hand over to (must be of the same institution)');
      if (fromId === toId) throw new AppError('SAME_PROFESSIONAL', 'hand over to another professional', 422);
      if (to.authorised !== 1) throw new AppError('PROFESSIONAL_NOT_AUTHORISED', 'the colleague is not authorised to signal', 422);
      const moved = q.activeSignals.all(fromId);
      const matchIds = new Set<string>();
      for (const s of moved) {
        q.moveSignal.run(toId, s.id);
        q.moveParticipant.run(toId, s.id);
        outbox.sentAgain({ ...s, professional_id: toId }, ctx.vault.open(s.bsn_sealed));
        if (s.match_id && q.matchActive.get(s.match_id)?.status === 'active') matchIds.add(s.match_id);
        // Its family matches too (7.1.2.3): the signal's place moved with it above.
        for (const familyMatch of q.familyMatches.all(s.id)) matchIds.add(familyMatch);
      }
      for (const matchId of matchIds) {
        // The colleague may already be in the match with a signal of their own: then it is no match any more (7.1.2.3).
        if (matches.endIfAlone(matchId, fromId)) continue;
        coordination.professionalReplaced(matchId, fromId, toId);
        const family = q.matchActive.get(matchId)?.kind === 'family';
        const others = distinctProfessionals(q.participants.all(matchId).map((p) => ({ signalId: p.signal_id, professionalId: p.professional_id }))).filter((p) => p !== toId);
        for (const o of others) notices.toProfessional(o, 'participant-changed', matchId, { professionalIds: [toId], ...(family ? { family: true } : {}) });
      }
      const signalIds = moved.map((s) => s.id);
      notices.toProfessional(fromId, 'handover', null, { professionalIds: [toId], signalIds });
      notices.toProfessional(toId, 'handover', null, { professionalIds: [fromId], signalIds });
      audit.record({ ...auditActor(actor), action: 'signal.handover', objectType: 'professional', objectId: fromId, outcome: 'ok', detail: { to: toId, signals: signalIds.length } }, ctx.now());
      return { from: fromId, to: toId, signals: signalIds, matches: [...matchIds] };
    }),
  };
}

export type HandoverService = ReturnType<typeof createHandoverService>;

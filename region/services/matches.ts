import { randomUUID } from 'node:crypto';
import { notFound } from '../errors.js';
import { distinctProfessionals, isMatch } from '../domain/matching.js';
import { auditActor, type Actor, type RegionContext } from './context.js';
import type { CoordinationService } from './coordination.js';
import type { NoticeService } from './notices.js';
import type { RemoteMatches } from './remote-matches.js';

/**
 * Keeps matches true to the active signals (7.1.2.3, 7.1.4.3(2)): a match exists while two or
 * more professionals have an active signal on one youth. Called inside the transaction of the
 * signal change, so a signal change, its match change and its notices commit together.
 */
interface ActiveRow {
  id: string;
  professional_id: string;
  municipality: string;
}

interface MatchRow {
  id: string;
  kind: 'person' | 'family';
  status: 'active' | 'ended';
  created_at: string;
  ended_at: string | null;
}

interface ParticipantRow {
  signal_id: string;
  professional_id: string;
  municipality: string;
  registered_at: string;
}

/**
 * Who may see a match through a signal (`mp` its participant row, `m` the match, `s` the signal): the
 * signal takes part, or the match ended with it still active; not a signal that left (or was erased)
 * while the match went on. The rule for professionals, and for checkers through their municipality's signals.
 */
export const SIGNAL_STILL_IN_MATCH = "(mp.left_at IS NULL OR (m.status = 'ended' AND s.status = 'active'))";

export function createMatchService(ctx: RegionContext, notices: NoticeService, coordination: CoordinationService, remote: RemoteMatches) {
  const { db } = ctx;
  const q = {
    activeOfYouth: db.prepare<[string], ActiveRow>("SELECT id, professional_id, municipality FROM signals WHERE youth_key = ? AND status = 'active'"),
    activeMatch: db.prepare<[string], MatchRow>("SELECT id, kind, status, created_at, ended_at FROM matches WHERE youth_key = ? AND status = 'active'"),
    insertMatch: db.prepare("INSERT INTO matches (id, youth_key, kind, status, created_at) VALUES (?, ?, 'person', 'active', ?)"),
    endMatch: db.prepare("UPDATE matches SET status = 'ended', ended_at = ?, youth_key = NULL WHERE id = ?"),
    insertParticipant: db.prepare('INSERT INTO match_participants (match_id, signal_id, professional_id, joined_at) VALUES (?, ?, ?, ?)'),
    leave: db.prepare('UPDATE match_participants SET left_at = ? WHERE match_id = ? AND signal_id = ? AND left_at IS NULL'),
    leaveAll: db.prepare('UPDATE match_participants SET left_at = ? WHERE match_id = ? AND left_at IS NULL'),
    setSignalMatch: db.prepare('UPDATE signals SET match_id = ? WHERE id = ?'),
    participants: db.prepare<[string], ParticipantRow>(
      `SELECT mp.signal_id, mp.professional_id, s.municipality, s.registered_at
       FROM match_participants mp JOIN signals s ON s.id = mp.signal_id
       WHERE mp.match_id = ? AND mp.left_at IS NULL ORDER BY s.registered_at, s.id`,
    ),
    // Not those whose signal was erased (unjustified, objection, correction, 23, death) or whose archive
    // was destroyed: nothing may show any more that they signalled this youth (7.1.4.6).
    everParticipants: db.prepare<[string], ParticipantRow>(
      `SELECT mp.signal_id, mp.professional_id, s.municipality, s.registered_at
       FROM match_participants mp JOIN signals s ON s.id = mp.signal_id
       WHERE mp.match_id = ? AND s.status <> 'removed' ORDER BY s.registered_at, s.id`,
    ),
    match: db.prepare<[string], MatchRow>('SELECT id, kind, status, created_at, ended_at FROM matches WHERE id = ?'),
    /** Who may read a match: its current participants, and, once it ended, those whose signal is still active; not who left. */
    isParticipant: db.prepare<[string, string], { n: number }>(
      `SELECT COUNT(*) AS n FROM match_participants mp JOIN matches m ON m.id = mp.match_id JOIN signals s ON s.id = mp.signal_id
       WHERE mp.match_id = ? AND mp.professional_id = ? AND ${SIGNAL_STILL_IN_MATCH}`,
    ),
    matchesOf: db.prepare<[string], { match_id: string }>(
      `SELECT DISTINCT mp.match_id FROM match_participants mp JOIN matches m ON m.id = mp.match_id JOIN signals s ON s.id = mp.signal_id
       WHERE mp.professional_id = ? AND ${SIGNAL_STILL_IN_MATCH} ORDER BY m.created_at DESC`,
    ),
  };
  const at = (): string => ctx.now().toISOString();

  function tellCheckers(matchId: string, municipalities: Iterable<string>, participantCount: number): void {
    for (const municipality of new Set(municipalities)) {
      notices.toChecker(municipality, 'match', matchId, { municipality, participantCount });
    }
  }

  /**
   * A signal became active: make or join the youth's match; returns the match id, if any.
   * `activeOfYouth` is the youth's active signals including this one, when the caller has just
   * read them in this transaction.
   */
  function signalActivated(signalId: string, youthKey: string, activeOfYouth?: readonly ActiveRow[]): string | null {
    const active = activeOfYouth ?? q.activeOfYouth.all(youthKey);
    const refs = active.map((s) => ({ signalId: s.id, professionalId: s.professional_id }));
    if (!isMatch(refs)) return null;
    const newcomer = active.find((s) => s.id === signalId);
    if (!newcomer) throw new Error('signalActivated: signal is not active');
    const existing = q.activeMatch.get(youthKey);
    if (!existing) {
      const matchId = randomUUID();
      q.insertMatch.run(matchId, youthKey, at());
      for (const s of active) {
        q.insertParticipant.run(matchId, s.id, s.professional_id, at());
        q.setSignalMatch.run(matchId, s.id);
      }
      const pros = distinctProfessionals(refs);
      for (const p of pros) {
        notices.toProfessional(p, 'match', matchId, { family: false, professionalIds: pros.filter((o) => o !== p) });
      }
      tellCheckers(matchId, active.map((s) => s.municipality), pros.length);
      coordination.participantsChanged(matchId);
      return matchId;
    }
    const before = q.participants.all(existing.id);
    q.insertParticipant.run(existing.id, signalId, newcomer.professional_id, at());
    q.setSignalMatch.run(existing.id, signalId);
    const others = distinctProfessionals(before.map((p) => ({ signalId: p.signal_id, professionalId: p.professional_id })));
    if (!others.includes(newcomer.professional_id)) {
      const remoteOthers = remote.participantsOf(existing.id);
      notices.toProfessional(newcomer.professional_id, 'match', existing.id, { family: false, professionalIds: others, ...(remoteOthers.length ? { remote: remoteOthers } : {}) });
      for (const o of others) {
        notices.toProfessional(o, 'participant-joined', existing.id, { family: false, professionalIds: [newcomer.professional_id] });
      }
    }
    if (!before.some((p) => p.municipality === newcomer.municipality)) {
      tellCheckers(existing.id, [newcomer.municipality], others.length + 1);
    }
    coordination.participantsChanged(existing.id);
    return existing.id;
  }

  /** A signal stopped being active: leave its match, and end the match when fewer than two professionals are left. */
  function signalDeactivated(signalId: string, matchId: string | null, professionalId: string): void {
    if (!matchId) return;
    const match = q.match.get(matchId);
    if (!match || match.status !== 'active') return;
    q.leave.run(at(), matchId, signalId);
    const remaining = q.participants.all(matchId);
    const pros = distinctProfessionals(remaining.map((p) => ({ signalId: p.signal_id, professionalId: p.professional_id })));
    if (pros.includes(professionalId)) return; // the same professional still takes part through another signal
    // Without a professional of its own the match is no business of this region any more, even when
    // it goes on between other regions' professionals (the national index tells them): it ends here,
    // and their contact details leave with it.
    const ended = pros.length === 0 || pros.length + remote.remoteCount(matchId) < 2;
    if (ended) {
      q.endMatch.run(at(), matchId);
      q.leaveAll.run(at(), matchId);
      remote.endAll(matchId);
    }
    for (const p of pros) {
      notices.toProfessional(p, 'participant-left', matchId, { family: false, professionalIds: [professionalId], matchEnded: ended });
    }
    if (!ended) coordination.participantsChanged(matchId, professionalId);
  }

  /** The match as a participant sees it: the others' contact details, never a BSN. */
  function view(matchId: string, viewer: string) {
    const match = q.match.get(matchId);
    if (!match) return null;
    const rows = match.status === 'active' ? q.participants.all(matchId) : q.everParticipants.all(matchId);
    const seen = new Map<string, ParticipantRow>();
    for (const r of rows) if (!seen.has(r.professional_id)) seen.set(r.professional_id, r);
    const coord = coordination.state(matchId);
    return {
      id: match.id,
      kind: match.kind,
      status: match.status,
      createdAt: match.created_at,
      endedAt: match.ended_at,
      regievoerder: coord.regievoerderId ? notices.contactOf(coord.regievoerderId) : null,
      coordinated: coord.coordinated,
      participants: [
        ...[...seen.values()].map((r) => ({
          own: r.professional_id === viewer,
          regievoerder: r.professional_id === coord.regievoerderId,
          professional: notices.contactOf(r.professional_id),
          registeredAt: r.registered_at,
          contactMadeAt: coord.contactMadeAt(r.professional_id),
        })),
        ...(match.status === 'active' ? remote.participantsOf(matchId) : []).map((c) => ({
          own: false,
          regievoerder: false,
          professional: c,
          registeredAt: null,
          contactMadeAt: null,
        })),
      ],
    };
  }

  /** After a hand-over: a match whose signals now belong to fewer than two professionals ends. */
  function endIfAlone(matchId: string, formerProfessionalId: string): boolean {
    const match = q.match.get(matchId);
    if (!match || match.status !== 'active') return false;
    const pros = distinctProfessionals(q.participants.all(matchId).map((p) => ({ signalId: p.signal_id, professionalId: p.professional_id })));
    if (pros.length + remote.remoteCount(matchId) >= 2) return false;
    q.endMatch.run(at(), matchId);
    q.leaveAll.run(at(), matchId);
    remote.endAll(matchId);
    for (const p of pros) notices.toProfessional(p, 'participant-left', matchId, { family: match.kind === 'family', professionalIds: [formerProfessionalId], matchEnded: true });
    return true;
  }

  return {
    signalActivated,
    signalDeactivated,
    endIfAlone,
    view,
    listFor(actor: Extract<Actor, { kind: 'professional' }>) {
      const ids = q.matchesOf.all(actor.professionalId).map((r) => r.match_id);
      ctx.audit.record(
        { ...auditActor(actor), action: 'match.list', objectType: 'match', objectId: null, outcome: 'ok', detail: { count: ids.length } }, ctx.now(),
        ids.map((id) => ({ type: 'match', id })),
      );
      return ids.map((id) => view(id, actor.professionalId));
    },
    getFor(actor: Extract<Actor, { kind: 'professional' }>, matchId: string) {
      const takesPart = (q.isParticipant.get(matchId, actor.professionalId)?.n ?? 0) > 0;
      ctx.audit.record({ ...auditActor(actor), action: 'match.read', objectType: 'match', objectId: matchId, outcome: takesPart ? 'ok' : 'denied' }, ctx.now());
      if (!takesPart) throw notFound('match');
      return view(matchId, actor.professionalId);
    },
  };
}

export type MatchService = ReturnType<typeof createMatchService>;

import { randomUUID } from 'node:crypto';
import { AppError, notFound } from '../errors.js';
import { newSecret, secretHash } from '../crypto/tokens.js';
import { refusalsAudited, type RegionContext } from './context.js';
import { SIGNAL_STILL_IN_MATCH, type MatchService } from './matches.js';

/**
 * The municipality's checker (7.1.3.2) makes sure matched professionals actually contacted each
 * other: they list the matches of their municipality not coordinated after N days (no BSN, ever),
 * and record an escalation and its outcome.
 */
export const ESCALATION_OUTCOMES = ['contact-made', 'no-contact-needed', 'escalated-to-management', 'other'] as const;
export type EscalationOutcome = (typeof ESCALATION_OUTCOMES)[number];

export interface CheckerActor {
  kind: 'checker';
  tokenId: string;
  municipality: string;
}

interface EscalationRow {
  id: string;
  match_id: string;
  note: string | null;
  outcome: string | null;
  created_at: string;
  resolved_at: string | null;
}

export function createCheckerService(ctx: RegionContext, matches: MatchService) {
  const { db, audit } = ctx;
  const q = {
    municipality: db.prepare<[string], { code: string }>('SELECT code FROM municipalities WHERE code = ?'),
    insertToken: db.prepare('INSERT INTO checker_tokens (id, municipality, token_hash, created_at) VALUES (?, ?, ?, ?)'),
    tokenByHash: db.prepare<[string], { id: string; municipality: string }>('SELECT id, municipality FROM checker_tokens WHERE token_hash = ? AND revoked_at IS NULL'),
    overdue: db.prepare<[string, string], { id: string }>(
      `SELECT DISTINCT m.id, m.created_at FROM matches m
       JOIN match_participants mp ON mp.match_id = m.id AND mp.left_at IS NULL
       JOIN signals s ON s.id = mp.signal_id
       WHERE s.municipality = ? AND m.status = 'active' AND m.coordinated_at IS NULL AND m.created_at <= ?
       ORDER BY m.created_at`,
    ),
    // A checker sees a match through a signal of its municipality as a professional does through their own.
    inMunicipality: db.prepare<[string, string], { n: number }>(
      `SELECT COUNT(*) AS n FROM match_participants mp JOIN matches m ON m.id = mp.match_id JOIN signals s ON s.id = mp.signal_id
       WHERE mp.match_id = ? AND s.municipality = ? AND ${SIGNAL_STILL_IN_MATCH}`,
    ),
    escalationsOf: db.prepare<[string, string], EscalationRow>('SELECT * FROM escalations WHERE match_id = ? AND municipality = ? ORDER BY created_at'),
    escalation: db.prepare<[string, string], EscalationRow>('SELECT * FROM escalations WHERE id = ? AND municipality = ?'),
    insertEscalation: db.prepare('INSERT INTO escalations (id, match_id, municipality, note, created_at) VALUES (?, ?, ?, ?, ?)'),
    resolve: db.prepare('UPDATE escalations SET outcome = ?, note = COALESCE(?, note), resolved_at = ? WHERE id = ?'),
  };
  const record = (actor: CheckerActor, action: string, objectType: string, objectId: string | null, outcome = 'ok'): void =>
    audit.record({ actorKind: 'checker', actorId: actor.tokenId, action, objectType, objectId, outcome, detail: { municipality: actor.municipality } }, ctx.now());

  const escalationView = (e: EscalationRow) => ({ id: e.id, matchId: e.match_id, note: e.note, outcome: e.outcome, createdAt: e.created_at, resolvedAt: e.resolved_at });

  function checkerMatchView(actor: CheckerActor, matchId: string) {
    const v = matches.view(matchId, '')!;
    const ageDays = Math.floor((ctx.now().getTime() - Date.parse(v.createdAt)) / 86_400_000);
    return {
      id: v.id, kind: v.kind, status: v.status, createdAt: v.createdAt, daysOpen: ageDays, coordinated: v.coordinated, regievoerder: v.regievoerder,
      participants: v.participants.map(({ own: _own, ...p }) => p),
      escalations: q.escalationsOf.all(matchId, actor.municipality).map(escalationView),
    };
  }

  function requireMatchOfMunicipality(actor: CheckerActor, matchId: string): void {
    if ((q.inMunicipality.get(matchId, actor.municipality)?.n ?? 0) === 0) {
      record(actor, 'checker.match', 'match', matchId, 'denied');
      throw notFound('match');
    }
  }

  const escalateTx = db.transaction((actor: CheckerActor, matchId: string, note: string | null) => {
    requireMatchOfMunicipality(actor, matchId);
    // There is no contact left to follow up once the match ended (fewer than two professionals).
    if (matches.view(matchId, '')?.status !== 'active') throw new AppError('MATCH_ENDED', 'this match has ended: there is no contact to follow up', 409);
    const id = randomUUID();
    q.insertEscalation.run(id, matchId, actor.municipality, note, ctx.now().toISOString());
    record(actor, 'checker.escalate', 'match', matchId);
    return escalationView(q.escalation.get(id, actor.municipality)!);
  });

  const resolveTx = db.transaction((actor: CheckerActor, escalationId: string, outcome: EscalationOutcome, note: string | null) => {
    const e = q.escalation.get(escalationId, actor.municipality);
    if (!e) throw notFound('escalation');
    if (e.resolved_at) throw new AppError('ESCALATION_RESOLVED', 'this escalation already has an outcome', 409);
    q.resolve.run(outcome, note, ctx.now().toISOString(), escalationId);
    record(actor, 'checker.escalation-outcome', 'escalation', escalationId);
    return escalationView(q.escalation.get(escalationId, actor.municipality)!);
  });

  return {
    createToken: db.transaction((code: string, auditActorId: string) => {
      if (!q.municipality.get(code)) throw notFound('municipality');
      const id = randomUUID();
      const token = newSecret('virchk');
      q.insertToken.run(id, code, secretHash(token), ctx.now().toISOString());
      audit.record({ actorKind: 'admin', actorId: auditActorId, action: 'checker-token.create', objectType: 'municipality', objectId: code, outcome: 'ok' }, ctx.now());
      return { id, token };
    }),
    authenticate(token: string): CheckerActor | null {
      const row = q.tokenByHash.get(secretHash(token));
      return row ? { kind: 'checker', tokenId: row.id, municipality: row.municipality } : null;
    },
    /** Matches of the checker's municipality not coordinated `days` (default from config) after they arose. */
    overdue(actor: CheckerActor, days = ctx.config.coordination.checkAfterDays) {
      const cutoff = new Date(ctx.now().getTime() - days * 86_400_000).toISOString();
      const ids = q.overdue.all(actor.municipality, cutoff).map((r) => r.id);
      audit.record(
        { actorKind: 'checker', actorId: actor.tokenId, action: 'checker.overdue', objectType: 'match', objectId: null, outcome: 'ok', detail: { municipality: actor.municipality } }, ctx.now(),
        ids.map((id) => ({ type: 'match', id })),
      );
      return ids.map((id) => checkerMatchView(actor, id));
    },
    match(actor: CheckerActor, matchId: string) {
      requireMatchOfMunicipality(actor, matchId);
      record(actor, 'checker.match', 'match', matchId);
      return checkerMatchView(actor, matchId);
    },
    escalate: (actor: CheckerActor, matchId: string, note: string | null) =>
      refusalsAudited(ctx, { actorKind: 'checker', actorId: actor.tokenId, action: 'checker.escalate', objectType: 'match', objectId: matchId, detail: { municipality: actor.municipality } }, () => escalateTx(actor, matchId, note)),
    resolve: (actor: CheckerActor, escalationId: string, outcome: EscalationOutcome, note: string | null) =>
      refusalsAudited(ctx, { actorKind: 'checker', actorId: actor.tokenId, action: 'checker.escalation-outcome', objectType: 'escalation', objectId: escalationId, detail: { municipality: actor.municipality } }, () => resolveTx(actor, escalationId, outcome, note)),
  };
}

export type CheckerService = ReturnType<typeof createCheckerService>;

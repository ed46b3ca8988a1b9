import { SIGNAL_STILL_IN_MATCH } from '../services/matches.js';
import type { RegionContext } from '../services/context.js';
import { maskBsn } from './labels.js';

/**
 * Reads the portal needs that the services do not offer as such: unread notices without marking
 * them read, the masked BSN of one's own signal (audited), informing of one signal, the matches
 * and escalations of a municipality, and the state of the connector's outbox. Callers check
 * ownership first; every query here is narrowed by the owner's id as well.
 */
export function createPortalQueries(ctx: RegionContext) {
  const { db } = ctx;
  const q = {
    unread: db.prepare<[string, string], { id: string; kind: string; match_id: string | null; payload: string; created_at: string }>(
      "SELECT id, kind, match_id, payload, created_at FROM notices WHERE recipient_kind = ? AND recipient_id = ? AND read_at IS NULL AND kind <> 'history-withdrawn' ORDER BY created_at DESC, rowid DESC",
    ),
    sealed: db.prepare<[string, string], { bsn_sealed: Buffer | null }>('SELECT bsn_sealed FROM signals WHERE id = ? AND professional_id = ?'),
    informing: db.prepare<[string, string], { informed: string; informed_on: string; method: string }>(
      'SELECT f.informed, f.informed_on, f.method FROM signal_informing f JOIN signals s ON s.id = f.signal_id WHERE f.signal_id = ? AND s.professional_id = ?',
    ),
    turns23: db.prepare<[string, string], { turns23_on: string | null }>('SELECT turns23_on FROM signals WHERE id = ? AND professional_id = ?'),
    municipalityMatches: db.prepare<[string], { id: string }>(
      `SELECT DISTINCT m.id, m.created_at FROM matches m JOIN match_participants mp ON mp.match_id = m.id JOIN signals s ON s.id = mp.signal_id
       WHERE s.municipality = ? AND ${SIGNAL_STILL_IN_MATCH} ORDER BY m.created_at DESC LIMIT 500`,
    ),
    escalations: db.prepare<[string], { id: string; match_id: string; note: string | null; outcome: string | null; created_at: string; resolved_at: string | null }>(
      'SELECT id, match_id, note, outcome, created_at, resolved_at FROM escalations WHERE municipality = ? ORDER BY resolved_at IS NOT NULL, created_at DESC',
    ),
    activeCounts: db.prepare<[string], { professional_id: string; n: number }>(
      "SELECT professional_id, COUNT(*) AS n FROM signals WHERE institution_id = ? AND status = 'active' GROUP BY professional_id",
    ),
    outboxCounts: db.prepare<[], { pending: number; delivered: number; dead: number; last_delivered: string | null }>(
      `SELECT SUM(CASE WHEN delivered_at IS NULL AND dead_at IS NULL THEN 1 ELSE 0 END) AS pending,
              SUM(CASE WHEN delivered_at IS NOT NULL THEN 1 ELSE 0 END) AS delivered,
              SUM(CASE WHEN dead_at IS NOT NULL THEN 1 ELSE 0 END) AS dead,
              MAX(delivered_at) AS last_delivered FROM outbox`,
    ),
    outboxDead: db.prepare<[], { seq: number; kind: string; signal_id: string; attempts: number; dead_at: string; dead_code: string | null; last_error: string | null }>(
      'SELECT seq, kind, signal_id, attempts, dead_at, dead_code, last_error FROM outbox WHERE dead_at IS NOT NULL ORDER BY seq DESC LIMIT 100',
    ),
    participantIds: db.prepare<[string], { professional_id: string }>(
      `SELECT mp.professional_id, MIN(s.registered_at) AS first FROM match_participants mp JOIN signals s ON s.id = mp.signal_id
       WHERE mp.match_id = ? AND mp.left_at IS NULL GROUP BY mp.professional_id ORDER BY first`,
    ),
    syncState: db.prepare<[], { key: string; value: string }>('SELECT key, value FROM sync_state ORDER BY key'),
  };

  return {
    unreadNotices: (kind: 'professional' | 'checker', recipientId: string) =>
      q.unread.all(kind, recipientId).map((n) => ({ id: n.id, kind: n.kind, matchId: n.match_id, createdAt: n.created_at, payload: JSON.parse(n.payload) as Record<string, unknown> })),

    /** The BSN of the professional's own signal, masked to its last three digits; the read is audited. */
    maskedBsn(actor: { professionalId: string; institutionId: string }, signalId: string): string | null {
      const row = q.sealed.get(signalId, actor.professionalId);
      if (!row?.bsn_sealed) return null;
      ctx.audit.record({ actorKind: 'professional', actorId: actor.professionalId, institutionId: actor.institutionId, action: 'signal.read-bsn', objectType: 'signal', objectId: signalId, outcome: 'ok', detail: { masked: true } }, ctx.now());
      return maskBsn(ctx.vault.open(row.bsn_sealed));
    },

    informingOf(professionalId: string, signalId: string) {
      const row = q.informing.get(signalId, professionalId);
      return row ? { informed: JSON.parse(row.informed) as string[], informedOn: row.informed_on, method: row.method } : null;
    },
    turns23On: (professionalId: string, signalId: string) => q.turns23.get(signalId, professionalId)?.turns23_on ?? null,
    municipalityMatchIds: (municipality: string) => q.municipalityMatches.all(municipality).map((r) => r.id),
    escalations: (municipality: string) => q.escalations.all(municipality),
    activeSignalCounts: (institutionId: string) => new Map(q.activeCounts.all(institutionId).map((r) => [r.professional_id, r.n])),
    /** The professionals in an active match, by id (the match view shows only their contact details). */
    participantIds: (matchId: string) => q.participantIds.all(matchId).map((r) => r.professional_id),
    connector: () => ({ counts: q.outboxCounts.get()!, dead: q.outboxDead.all(), sync: q.syncState.all() }),
  };
}

export type PortalQueries = ReturnType<typeof createPortalQueries>;

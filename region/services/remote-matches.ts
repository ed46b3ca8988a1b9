import { randomUUID } from 'node:crypto';
import type { MatchEvent, Participant } from '../../national/protocol/types.js';
import type { RegionContext } from './context.js';
import type { CoordinationService } from './coordination.js';
import type { NoticeService, RemoteContact } from './notices.js';

/**
 * Matches the national index found across regions, applied to the local matches: professionals
 * of other regions appear in the local match with their contact details. Local professionals are
 * told once: participants the region already matched locally are not announced again.
 */
interface LocalSignal {
  youth_key: string | null;
  status: string;
}

export function remoteContact(p: Participant): RemoteContact {
  const c = p.professional;
  return { name: c.name, function: c.function, email: c.email, phone: c.phone, institution: { id: null, name: c.institution }, region: p.region };
}

export function createRemoteMatches(ctx: RegionContext, notices: NoticeService, coordination: CoordinationService) {
  const { db } = ctx;
  const q = {
    signal: db.prepare<[string], LocalSignal>('SELECT youth_key, status FROM signals WHERE id = ?'),
    professionalOf: db.prepare<[string], { professional_id: string }>('SELECT professional_id FROM signals WHERE id = ?'),
    matchStatus: db.prepare<[string], { status: string }>('SELECT status FROM matches WHERE id = ?'),
    familyMatchOf: db.prepare<[string], { id: string }>(
      "SELECT m.id FROM match_participants mp JOIN matches m ON m.id = mp.match_id WHERE mp.signal_id = ? AND mp.left_at IS NULL AND m.kind = 'family' AND m.status = 'active'",
    ),
    insertFamilyMatch: db.prepare("INSERT INTO matches (id, youth_key, kind, status, created_at) VALUES (?, ?, 'family', 'active', ?)"),
    insertParticipantIfNew: db.prepare('INSERT OR IGNORE INTO match_participants (match_id, signal_id, professional_id, joined_at) VALUES (?, ?, ?, ?)'),
    activeMatch: db.prepare<[string], { id: string }>("SELECT id FROM matches WHERE youth_key = ? AND status = 'active'"),
    insertMatch: db.prepare("INSERT INTO matches (id, youth_key, kind, status, created_at) VALUES (?, ?, 'person', 'active', ?)"),
    activeSignals: db.prepare<[string], { id: string; professional_id: string; municipality: string }>("SELECT id, professional_id, municipality FROM signals WHERE youth_key = ? AND status = 'active'"),
    insertParticipant: db.prepare('INSERT INTO match_participants (match_id, signal_id, professional_id, joined_at) VALUES (?, ?, ?, ?)'),
    setSignalMatch: db.prepare('UPDATE signals SET match_id = ? WHERE id = ?'),
    mapNational: db.prepare("INSERT INTO national_matches (national_match_id, match_id, status) VALUES (?, ?, 'active') ON CONFLICT (national_match_id) DO UPDATE SET match_id = excluded.match_id, status = 'active'"),
    national: db.prepare<[string], { match_id: string | null }>('SELECT match_id FROM national_matches WHERE national_match_id = ?'),
    endNational: db.prepare("UPDATE national_matches SET status = 'ended' WHERE national_match_id = ?"),
    endNationalOfMatch: db.prepare("UPDATE national_matches SET status = 'ended' WHERE match_id = ? AND status = 'active'"),
    remoteContact: db.prepare<[string, string], { contact: string }>('SELECT contact FROM remote_participants WHERE national_match_id = ? AND participant_key = ? AND left_at IS NULL'),
    addRemote: db.prepare(
      `INSERT INTO remote_participants (match_id, national_match_id, participant_key, region_id, contact, registered_at, joined_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (national_match_id, participant_key) DO UPDATE SET match_id = excluded.match_id, contact = excluded.contact, left_at = NULL`,
    ),
    leaveRemote: db.prepare<[string, string, string], { contact: string; region_id: string }>(
      'UPDATE remote_participants SET left_at = ? WHERE national_match_id = ? AND participant_key = ? AND left_at IS NULL RETURNING contact, region_id',
    ),
    leaveAllRemote: db.prepare<[string, string], { contact: string; region_id: string }>(
      'UPDATE remote_participants SET left_at = ? WHERE national_match_id = ? AND left_at IS NULL RETURNING contact, region_id',
    ),
    remoteCount: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM remote_participants WHERE match_id = ? AND left_at IS NULL'),
    localPros: db.prepare<[string], { professional_id: string }>('SELECT DISTINCT professional_id FROM match_participants WHERE match_id = ? AND left_at IS NULL'),
    localMunicipalities: db.prepare<[string], string>(
      'SELECT DISTINCT s.municipality FROM match_participants mp JOIN signals s ON s.id = mp.signal_id WHERE mp.match_id = ? AND mp.left_at IS NULL ORDER BY s.municipality',
    ).pluck(),
    remoteKeys: db.prepare<[string], string>('SELECT participant_key FROM remote_participants WHERE national_match_id = ? AND left_at IS NULL').pluck(),
    remoteOf: db.prepare<[string], { contact: string }>('SELECT contact FROM remote_participants WHERE match_id = ? AND left_at IS NULL ORDER BY joined_at'),
    endMatch: db.prepare("UPDATE matches SET status = 'ended', ended_at = ?, youth_key = NULL WHERE id = ? AND status = 'active'"),
    leaveAllLocal: db.prepare('UPDATE match_participants SET left_at = ? WHERE match_id = ? AND left_at IS NULL'),
    leaveAllRemoteOfMatch: db.prepare('UPDATE remote_participants SET left_at = ? WHERE match_id = ? AND left_at IS NULL'),
  };
  const own = ctx.config.region.id;
  const at = (): string => ctx.now().toISOString();

  function youthOf(event: MatchEvent): string | null {
    for (const id of event.ownSignalIds) {
      const s = q.signal.get(id);
      if (s?.status === 'active' && s.youth_key) return s.youth_key;
    }
    return null;
  }

  /** The local family match for a national family event: the one mapped, or the one the region's own signals are in, or a new one. */
  function familyMatchFor(event: MatchEvent): { matchId: string; created: boolean; youthKeys: string[] } | null {
    const ownActive = event.ownSignalIds.filter((id) => q.signal.get(id)?.status === 'active');
    if (ownActive.length === 0) return null;
    const youthKeys = [...new Set(ownActive.map((id) => q.signal.get(id)!.youth_key!))];
    const mapped = q.national.get(event.matchId)?.match_id;
    const existing = (mapped && q.matchStatus.get(mapped)?.status === 'active' ? mapped : undefined) ?? ownActive.map((id) => q.familyMatchOf.get(id)?.id).find((x) => x);
    if (existing) {
      for (const id of ownActive) q.insertParticipantIfNew.run(existing, id, q.professionalOf.get(id)!.professional_id, at());
      return { matchId: existing, created: false, youthKeys };
    }
    const matchId = randomUUID();
    q.insertFamilyMatch.run(matchId, `family:${event.matchId}`, at());
    for (const id of ownActive) q.insertParticipantIfNew.run(matchId, id, q.professionalOf.get(id)!.professional_id, at());
    return { matchId, created: true, youthKeys };
  }

  function joinRemote(event: MatchEvent): void {
    const remote = event.participants.filter((p) => p.region !== own);
    if (remote.length === 0) return;
    let matchId: string | undefined;
    let created = false;
    let youthKey: string | null = null;
    if (event.family) {
      const found = familyMatchFor(event);
      if (!found) return;
      ({ matchId, created } = found);
      youthKey = found.youthKeys[0];
    } else {
      youthKey = youthOf(event);
      if (!youthKey) return;
      matchId = q.activeMatch.get(youthKey)?.id;
      created = !matchId;
      if (!matchId) {
        matchId = randomUUID();
        q.insertMatch.run(matchId, youthKey, at());
        for (const s of q.activeSignals.all(youthKey)) {
          q.insertParticipant.run(matchId, s.id, s.professional_id, at());
          q.setSignalMatch.run(matchId, s.id);
        }
      }
    }
    q.mapNational.run(event.matchId, matchId);
    const fresh: Participant[] = [];
    // A participant already in the match with other contact details: their region handed the signal over (7.1.3.3).
    const changed: Participant[] = [];
    for (const p of remote) {
      const contact = JSON.stringify(remoteContact(p));
      const before = q.remoteContact.get(event.matchId, p.key)?.contact;
      if (before === undefined) fresh.push(p);
      else if (before !== contact) changed.push(p);
      q.addRemote.run(matchId, event.matchId, p.key, p.region, contact, p.registeredAt, at());
    }
    const locals = q.localPros.all(matchId).map((r) => r.professional_id);
    if (created) {
      const all = q.remoteOf.all(matchId).map((r) => JSON.parse(r.contact) as RemoteContact);
      for (const p of locals) notices.toProfessional(p, 'match', matchId, { family: event.family, professionalIds: locals.filter((o) => o !== p), remote: all });
      // Every municipality of the region's signals in the match: in a family match, of each youth (7.1.3.2).
      for (const municipality of q.localMunicipalities.all(matchId)) {
        notices.toChecker(municipality, 'match', matchId, { municipality, participantCount: locals.length + all.length, ...(event.family ? { family: true } : {}) });
      }
    } else if (fresh.length > 0) {
      for (const p of locals) notices.toProfessional(p, 'participant-joined', matchId, { family: event.family, remote: fresh.map(remoteContact) });
    }
    if (!created && changed.length > 0) {
      for (const p of locals) notices.toProfessional(p, 'participant-changed', matchId, { family: event.family, remote: changed.map(remoteContact) });
    }
    coordination.participantsChanged(matchId);
  }

  function leaveRemote(nationalMatchId: string, left: { contact: string }[], family: boolean): void {
    const matchId = q.national.get(nationalMatchId)?.match_id;
    if (!matchId || left.length === 0) return;
    const locals = q.localPros.all(matchId).map((r) => r.professional_id);
    const ended = locals.length + (q.remoteCount.get(matchId)?.n ?? 0) < 2;
    if (ended) {
      q.endMatch.run(at(), matchId);
      q.leaveAllLocal.run(at(), matchId);
      q.leaveAllRemoteOfMatch.run(at(), matchId);
    }
    for (const p of locals) {
      notices.toProfessional(p, 'participant-left', matchId, { family, remote: left.map((l) => JSON.parse(l.contact) as RemoteContact), matchEnded: ended });
    }
    if (!ended) coordination.participantsChanged(matchId);
  }

  return {
    /** Applies one national match event; call inside the transaction that advances the cursor. */
    apply(event: MatchEvent): void {
      switch (event.kind) {
        case 'arose':
        case 'joined':
          joinRemote(event);
          return;
        case 'left': {
          const left = event.participants.filter((p) => p.region !== own).map((p) => q.leaveRemote.get(at(), event.matchId, p.key)).filter((r) => r !== undefined);
          leaveRemote(event.matchId, left, event.family);
          return;
        }
        case 'ended': {
          const left = q.leaveAllRemote.all(at(), event.matchId);
          q.endNational.run(event.matchId);
          leaveRemote(event.matchId, left, event.family);
          return;
        }
      }
    },
    /**
     * A national match as a snapshot shows it (a reconcile): its participants are applied as by
     * 'arose', and the remote participants the region holds that the snapshot lacks have left (the
     * region missed that event, or the feed brings it again, which then changes nothing).
     */
    applySnapshot(event: MatchEvent): void {
      joinRemote(event);
      const keys = new Set(event.participants.map((p) => p.key));
      const left = q.remoteKeys.all(event.matchId).filter((k) => !keys.has(k)).map((k) => q.leaveRemote.get(at(), event.matchId, k)).filter((r) => r !== undefined);
      leaveRemote(event.matchId, left, event.family);
    },
    /** Active remote participants of a local match, for its view. */
    participantsOf(matchId: string): RemoteContact[] {
      return q.remoteOf.all(matchId).map((r) => JSON.parse(r.contact) as RemoteContact);
    },
    remoteCount: (matchId: string): number => q.remoteCount.get(matchId)?.n ?? 0,
    /** The local match ended: its remote participants leave with it, and its national match is over for the region. */
    endAll: (matchId: string): void => {
      q.leaveAllRemoteOfMatch.run(at(), matchId);
      q.endNationalOfMatch.run(matchId);
    },
  };
}

export type RemoteMatches = ReturnType<typeof createRemoteMatches>;

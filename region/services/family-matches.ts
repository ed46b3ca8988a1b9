import { randomUUID } from 'node:crypto';
import { isFamilyMatch } from '../domain/family.js';
import type { RegionContext } from './context.js';
import type { NoticeService } from './notices.js';
import type { RemoteMatches } from './remote-matches.js';

/**
 * Family matches (gezinsmatch). A family is a connected group of active signals whose youths
 * share a link (a parent, or a residential address), so siblings who share both parents and a
 * home make one family match, not three. Links are stored only as keyed hashes. Notices carry
 * the family flag and the other professionals' contact details, and nothing else about the
 * other youth. Called inside the transaction of the signal change.
 */
interface Row {
  id: string;
  professional_id: string;
  youth_key: string;
  municipality: string;
}

export function createFamilyMatches(ctx: RegionContext, notices: NoticeService, remote: Pick<RemoteMatches, 'endAll' | 'remoteCount'>) {
  const { db } = ctx;
  const q = {
    keysOf: db.prepare<[string], { key: string }>('SELECT key FROM signal_family_keys WHERE signal_id = ?'),
    setKey: db.prepare('INSERT OR IGNORE INTO signal_family_keys (signal_id, key) VALUES (?, ?)'),
    clearKeys: db.prepare('DELETE FROM signal_family_keys WHERE signal_id = ?'),
    withKey: db.prepare<[string], Row>(
      `SELECT s.id, s.professional_id, s.youth_key, s.municipality FROM signal_family_keys k JOIN signals s ON s.id = k.signal_id
       WHERE k.key = ? AND s.status = 'active'`,
    ),
    signal: db.prepare<[string], Row>("SELECT id, professional_id, youth_key, municipality FROM signals WHERE id = ? AND status = 'active'"),
    matchesOf: db.prepare<[string], { id: string; created_at: string }>(
      `SELECT DISTINCT m.id, m.created_at FROM match_participants mp JOIN matches m ON m.id = mp.match_id
       WHERE mp.signal_id = ? AND mp.left_at IS NULL AND m.kind = 'family' AND m.status = 'active'`,
    ),
    insertMatch: db.prepare("INSERT INTO matches (id, youth_key, kind, status, created_at) VALUES (?, ?, 'family', 'active', ?)"),
    endMatch: db.prepare("UPDATE matches SET status = 'ended', ended_at = ?, youth_key = NULL WHERE id = ?"),
    participants: db.prepare<[string], { signal_id: string; professional_id: string }>('SELECT signal_id, professional_id FROM match_participants WHERE match_id = ? AND left_at IS NULL'),
    join: db.prepare(
      `INSERT INTO match_participants (match_id, signal_id, professional_id, joined_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (match_id, signal_id) DO UPDATE SET left_at = NULL, professional_id = excluded.professional_id`,
    ),
    leave: db.prepare('UPDATE match_participants SET left_at = ? WHERE match_id = ? AND signal_id = ? AND left_at IS NULL'),
  };
  /**
   * A family match with other regions' professionals in it is the national index's: whether it
   * still is one depends on their signals too, which this region does not hold. The region's own
   * families never end it; the national index's feed does (remote-matches.ts).
   */
  const acrossRegions = (matchId: string): boolean => remote.remoteCount(matchId) > 0;
  const at = (): string => ctx.now().toISOString();

  /** The family of a signal: every active signal reachable through shared links. */
  function familyOf(seed: Row): Row[] {
    const members = new Map<string, Row>([[seed.id, seed]]);
    const seenKeys = new Set<string>();
    const queue = [seed.id];
    while (queue.length) {
      for (const { key } of q.keysOf.all(queue.pop()!)) {
        if (seenKeys.has(key)) continue;
        seenKeys.add(key);
        for (const r of q.withKey.all(key)) {
          if (!members.has(r.id)) {
            members.set(r.id, r);
            queue.push(r.id);
          }
        }
      }
    }
    return [...members.values()];
  }

  function end(matchId: string, remainingPros: string[]): void {
    const before = q.participants.all(matchId);
    q.endMatch.run(at(), matchId);
    for (const b of before) q.leave.run(at(), matchId, b.signal_id);
    const left = [...new Set(before.map((b) => b.professional_id))].filter((p) => !remainingPros.includes(p));
    for (const p of remainingPros) notices.toProfessional(p, 'participant-left', matchId, { family: true, professionalIds: left, matchEnded: true });
  }

  /** Brings the family matches of the given signals' families in line with who is in them now. */
  function refresh(seeds: Iterable<string>, staleMatches: Iterable<string> = []): void {
    const visited = new Set<string>();
    const claimed = new Set<string>();
    for (const seedId of seeds) {
      const seed = q.signal.get(seedId);
      if (!seed || visited.has(seed.id)) continue;
      const members = familyOf(seed);
      for (const m of members) visited.add(m.id);
      const pros = [...new Set(members.map((m) => m.professional_id))];
      const current = [...new Map(members.flatMap((m) => q.matchesOf.all(m.id)).map((x) => [x.id, x])).values()]
        .filter((x) => !claimed.has(x.id))
        .sort((a, b) => a.created_at.localeCompare(b.created_at));
      if (!isFamilyMatch(members.map((m) => ({ signalId: m.id, professionalId: m.professional_id, youthKey: m.youth_key })))) {
        for (const x of current) if (!acrossRegions(x.id)) end(x.id, pros);
        continue;
      }
      let matchId = current[0]?.id;
      for (const extra of current.slice(1)) end(extra.id, []);
      if (!matchId) {
        matchId = randomUUID();
        q.insertMatch.run(matchId, `family:${matchId}`, at());
        for (const m of members) q.join.run(matchId, m.id, m.professional_id, at());
        for (const p of pros) notices.toProfessional(p, 'match', matchId, { family: true, professionalIds: pros.filter((o) => o !== p) });
        for (const municipality of new Set(members.map((m) => m.municipality))) notices.toChecker(municipality, 'match', matchId, { municipality, participantCount: pros.length, family: true });
        claimed.add(matchId);
        continue;
      }
      claimed.add(matchId);
      const before = q.participants.all(matchId);
      const beforePros = new Set(before.map((b) => b.professional_id));
      const beforeIds = new Set(before.map((b) => b.signal_id));
      const beforeMunicipalities = new Set(members.filter((m) => beforeIds.has(m.id)).map((m) => m.municipality));
      const ids = new Set(members.map((m) => m.id));
      for (const b of before) if (!ids.has(b.signal_id)) q.leave.run(at(), matchId, b.signal_id);
      for (const m of members) q.join.run(matchId, m.id, m.professional_id, at());
      const joined = pros.filter((p) => !beforePros.has(p));
      const left = [...beforePros].filter((p) => !pros.includes(p));
      for (const p of joined) notices.toProfessional(p, 'match', matchId, { family: true, professionalIds: pros.filter((o) => o !== p) });
      // The checker of a municipality that comes into the match with a new member is told, as for a person match (7.1.3.2).
      for (const municipality of new Set(members.filter((m) => !beforeIds.has(m.id) && !beforeMunicipalities.has(m.municipality)).map((m) => m.municipality))) {
        notices.toChecker(municipality, 'match', matchId, { municipality, participantCount: pros.length, family: true });
      }
      for (const p of pros.filter((x) => !joined.includes(x))) {
        if (joined.length) notices.toProfessional(p, 'participant-joined', matchId, { family: true, professionalIds: joined });
        if (left.length) notices.toProfessional(p, 'participant-left', matchId, { family: true, professionalIds: left, matchEnded: false });
      }
    }
    for (const id of staleMatches) {
      if (claimed.has(id) || acrossRegions(id)) continue;
      const rest = q.participants.all(id);
      if (rest.length > 0) end(id, [...new Set(rest.map((r) => r.professional_id))]);
    }
  }

  /** Everything that may be affected by a change to this signal: its neighbours by link and its family matches. */
  function neighbourhood(signalId: string): { seeds: Set<string>; matches: string[] } {
    const seeds = new Set<string>([signalId]);
    for (const { key } of q.keysOf.all(signalId)) for (const r of q.withKey.all(key)) seeds.add(r.id);
    const matches = q.matchesOf.all(signalId).map((r) => r.id);
    for (const m of matches) for (const p of q.participants.all(m)) seeds.add(p.signal_id);
    return { seeds, matches };
  }

  return {
    /** Sets a signal's family links (as keyed hashes) and brings the family matches up to date. */
    setLinks(signalId: string, links: readonly string[]): void {
      const before = neighbourhood(signalId);
      q.clearKeys.run(signalId);
      for (const l of links) q.setKey.run(signalId, ctx.vault.keyedHash(`family\n${l}`));
      const after = neighbourhood(signalId);
      refresh(new Set([...before.seeds, ...after.seeds]), before.matches);
    },
    /** A signal left for good (removed or archived): its family matches follow, then its links are erased. */
    forget(signalId: string): void {
      const before = neighbourhood(signalId);
      for (const m of before.matches) {
        q.leave.run(at(), m, signalId);
        // The region's last signal in a match with other regions' professionals: as for a person
        // match (matches.ts), it is no business of this region any more, and their details leave with it.
        if (acrossRegions(m) && q.participants.all(m).length === 0) {
          q.endMatch.run(at(), m);
          remote.endAll(m);
        }
      }
      q.clearKeys.run(signalId);
      before.seeds.delete(signalId);
      refresh(before.seeds, before.matches);
    },
  };
}

export type FamilyMatches = ReturnType<typeof createFamilyMatches>;

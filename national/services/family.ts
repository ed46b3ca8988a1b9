import { randomUUID } from 'node:crypto';
import type { BsnVault } from '../../region/crypto/bsn-vault.js';
import { isFamilyMatch } from '../../region/domain/family.js';
import type { Db } from '../../region/store/db.js';
import type { MatchEvent, Participant, ProfessionalContact } from '../protocol/types.js';
import type { Feed } from './feed.js';

/**
 * Family matches across regions: the same rule as a region's (region/domain/family.ts), over
 * every region's signals, so a family split over two regions matches. A family is a connected
 * group of active signals whose youths share a link; the regions whose signals take part hear of
 * it through their feeds, with the family flag set.
 */
export interface FamilyRow {
  region_id: string;
  signal_id: string;
  youth_key: string;
  professional: string;
  registered_at: string;
}
type Ref = { region: string; signalId: string };

/** What a family lookup gives when the BRP could not answer: the signal is looked up again later. */
export const UNAVAILABLE = 'unavailable';
/** A person's family links from the BRP; null when the BRP does not know the BSN. */
export type FamilyLookup = (bsn: string) => Promise<string[] | null | typeof UNAVAILABLE>;
export interface RetriedLookups {
  found: number;
  unknown: number;
  stillUnavailable: number;
}
const keyOf = (r: Ref): string => `${r.region}:${r.signalId}`;

export function createNationalFamily(db: Db, vault: BsnVault, feed: Feed, now: () => Date) {
  const q = {
    keysOf: db.prepare<[string, string], { key: string }>('SELECT key FROM family_keys WHERE region_id = ? AND signal_id = ?'),
    setKey: db.prepare('INSERT OR IGNORE INTO family_keys (region_id, signal_id, key) VALUES (?, ?, ?)'),
    clearKeys: db.prepare('DELETE FROM family_keys WHERE region_id = ? AND signal_id = ?'),
    withKey: db.prepare<[string], FamilyRow>(
      `SELECT s.region_id, s.signal_id, s.youth_key, s.professional, s.registered_at FROM family_keys k
       JOIN signals s ON s.region_id = k.region_id AND s.signal_id = k.signal_id WHERE k.key = ? AND s.status = 'active'`,
    ),
    signal: db.prepare<[string, string], FamilyRow>("SELECT region_id, signal_id, youth_key, professional, registered_at FROM signals WHERE region_id = ? AND signal_id = ? AND status = 'active'"),
    matchesOf: db.prepare<[string, string], { id: string; created_at: string }>(
      `SELECT DISTINCT m.id, m.created_at FROM match_participants mp JOIN matches m ON m.id = mp.match_id
       WHERE mp.region_id = ? AND mp.signal_id = ? AND mp.left_at IS NULL AND m.kind = 'family' AND m.status = 'active'`,
    ),
    insertMatch: db.prepare("INSERT INTO matches (id, youth_key, kind, status, created_at) VALUES (?, ?, 'family', 'active', ?)"),
    endMatch: db.prepare("UPDATE matches SET status = 'ended', ended_at = ? WHERE id = ?"),
    participants: db.prepare<[string], { region_id: string; signal_id: string }>('SELECT region_id, signal_id FROM match_participants WHERE match_id = ? AND left_at IS NULL'),
    anySignal: db.prepare<[string, string], FamilyRow>('SELECT region_id, signal_id, youth_key, professional, registered_at FROM signals WHERE region_id = ? AND signal_id = ?'),
    join: db.prepare(
      `INSERT INTO match_participants (match_id, region_id, signal_id, joined_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (match_id, region_id, signal_id) DO UPDATE SET left_at = NULL`,
    ),
    leave: db.prepare('UPDATE match_participants SET left_at = ? WHERE match_id = ? AND region_id = ? AND signal_id = ? AND left_at IS NULL'),
    addPendingLookup: db.prepare('INSERT OR IGNORE INTO family_lookups_pending (region_id, signal_id, since) VALUES (?, ?, ?)'),
    pendingLookups: db.prepare<[], { region_id: string; signal_id: string; status: string | null; bsn_sealed: Buffer | null }>(
      `SELECT p.region_id, p.signal_id, s.status, s.bsn_sealed FROM family_lookups_pending p
       LEFT JOIN signals s ON s.region_id = p.region_id AND s.signal_id = p.signal_id ORDER BY p.since, p.rowid LIMIT 500`,
    ),
    removePendingLookup: db.prepare('DELETE FROM family_lookups_pending WHERE region_id = ? AND signal_id = ?'),
    failedPendingLookup: db.prepare('UPDATE family_lookups_pending SET attempts = attempts + 1 WHERE region_id = ? AND signal_id = ?'),
  };
  const at = (): string => now().toISOString();
  /** Signals leaving for good, as they were: their rows may already be erased. */
  const departed = new Map<string, FamilyRow>();

  function participant(r: FamilyRow): Participant {
    return { key: `${r.region_id}:${r.signal_id}`, region: r.region_id, signalId: r.signal_id, professional: JSON.parse(r.professional) as ProfessionalContact, registeredAt: r.registered_at };
  }
  const own = (rows: Ref[], region: string): string[] => rows.filter((r) => r.region === region).map((r) => r.signalId);
  const refOf = (r: FamilyRow): Ref => ({ region: r.region_id, signalId: r.signal_id });

  function familyOf(seed: FamilyRow): FamilyRow[] {
    const members = new Map<string, FamilyRow>([[keyOf(refOf(seed)), seed]]);
    const seenKeys = new Set<string>();
    const queue = [seed];
    while (queue.length) {
      const r = queue.pop()!;
      for (const { key } of q.keysOf.all(r.region_id, r.signal_id)) {
        if (seenKeys.has(key)) continue;
        seenKeys.add(key);
        for (const m of q.withKey.all(key)) {
          const k = keyOf(refOf(m));
          if (!members.has(k)) {
            members.set(k, m);
            queue.push(m);
          }
        }
      }
    }
    return [...members.values()];
  }

  function tell(region: string, e: Omit<MatchEvent, 'seq'>): void {
    feed.append(region, e, at());
  }

  function end(matchId: string): void {
    const before = q.participants.all(matchId).map((p) => ({ region: p.region_id, signalId: p.signal_id }));
    q.endMatch.run(at(), matchId);
    for (const b of before) q.leave.run(at(), matchId, b.region, b.signalId);
    for (const region of new Set(before.map((b) => b.region))) tell(region, { kind: 'ended', matchId, family: true, ownSignalIds: own(before, region), participants: [] });
  }

  function refresh(seeds: Ref[], stale: string[]): void {
    const visited = new Set<string>();
    const claimed = new Set<string>();
    for (const s of seeds) {
      const seed = q.signal.get(s.region, s.signalId);
      if (!seed || visited.has(keyOf(s))) continue;
      const members = familyOf(seed);
      members.forEach((m) => visited.add(keyOf(refOf(m))));
      const refs = members.map(refOf);
      const qualifies = isFamilyMatch(members.map((m) => ({ signalId: keyOf(refOf(m)), professionalId: `${m.region_id}:${(JSON.parse(m.professional) as ProfessionalContact).id}`, youthKey: m.youth_key })));
      const current = [...new Map(members.flatMap((m) => q.matchesOf.all(m.region_id, m.signal_id)).map((x) => [x.id, x])).values()]
        .filter((x) => !claimed.has(x.id))
        .sort((a, b) => a.created_at.localeCompare(b.created_at));
      if (!qualifies) {
        current.forEach((x) => end(x.id));
        continue;
      }
      current.slice(1).forEach((x) => end(x.id));
      let matchId = current[0]?.id;
      if (!matchId) {
        matchId = randomUUID();
        q.insertMatch.run(matchId, `family:${matchId}`, at());
        for (const r of refs) q.join.run(matchId, r.region, r.signalId, at());
        for (const region of new Set(refs.map((r) => r.region))) tell(region, { kind: 'arose', matchId, family: true, ownSignalIds: own(refs, region), participants: members.map(participant) });
        claimed.add(matchId);
        continue;
      }
      claimed.add(matchId);
      const before = q.participants.all(matchId).map((p) => ({ region: p.region_id, signalId: p.signal_id }));
      const beforeKeys = new Set(before.map(keyOf));
      const nowKeys = new Set(refs.map(keyOf));
      const regionsBefore = new Set(before.map((b) => b.region));
      for (const b of before.filter((x) => !nowKeys.has(keyOf(x)))) {
        q.leave.run(at(), matchId, b.region, b.signalId);
        const row = departed.get(keyOf(b)) ?? q.anySignal.get(b.region, b.signalId);
        for (const region of new Set(refs.map((r) => r.region))) {
          if (row?.professional) tell(region, { kind: 'left', matchId, family: true, ownSignalIds: own(refs, region), participants: [participant(row)] });
        }
      }
      // A region none of whose signals is in the match any more: for it, the match has ended.
      const regionsNow = new Set(refs.map((r) => r.region));
      for (const region of regionsBefore) {
        if (!regionsNow.has(region)) tell(region, { kind: 'ended', matchId, family: true, ownSignalIds: [], participants: [] });
      }
      for (const m of members.filter((x) => !beforeKeys.has(keyOf(refOf(x))))) {
        q.join.run(matchId, m.region_id, m.signal_id, at());
        for (const region of new Set(refs.map((r) => r.region))) {
          if (!regionsBefore.has(region)) {
            tell(region, { kind: 'arose', matchId, family: true, ownSignalIds: own(refs, region), participants: members.map(participant) });
            regionsBefore.add(region);
          } else {
            tell(region, { kind: 'joined', matchId, family: true, ownSignalIds: own(refs, region), participants: [participant(m)] });
          }
        }
      }
    }
    for (const id of stale) if (!claimed.has(id) && q.participants.all(id).length > 0) end(id);
  }

  function neighbourhood(ref: Ref): { seeds: Ref[]; matches: string[] } {
    const seeds = new Map<string, Ref>([[keyOf(ref), ref]]);
    for (const { key } of q.keysOf.all(ref.region, ref.signalId)) for (const r of q.withKey.all(key)) seeds.set(keyOf(refOf(r)), refOf(r));
    const matches = q.matchesOf.all(ref.region, ref.signalId).map((m) => m.id);
    for (const m of matches) for (const p of q.participants.all(m)) seeds.set(`${p.region_id}:${p.signal_id}`, { region: p.region_id, signalId: p.signal_id });
    return { seeds: [...seeds.values()], matches };
  }

  function setLinks(region: string, signalId: string, links: readonly string[]): void {
    const ref = { region, signalId };
    const before = neighbourhood(ref);
    q.clearKeys.run(region, signalId);
    for (const l of links) q.setKey.run(region, signalId, vault.keyedHash(`family\n${l}`));
    const after = neighbourhood(ref);
    refresh([...before.seeds, ...after.seeds], before.matches);
  }

  /** Links found on a second try, for a signal that may have gone meanwhile. */
  const setLateLinks = db.transaction((region: string, signalId: string, links: string[] | null) => {
    if (links && q.signal.get(region, signalId)) setLinks(region, signalId, links);
    q.removePendingLookup.run(region, signalId);
  });

  return {
    setLinks,
    /** The family match of a signal whose professional changed (a hand-over): ended when no longer two professionals' (7.1.2.3). */
    recheck(region: string, signalId: string): void {
      const around = neighbourhood({ region, signalId });
      refresh(around.seeds, around.matches);
    },
    /** The BRP could not give the signal's links at delivery: looked up again by retryLookups. */
    lookUpLater(region: string, signalId: string): void {
      q.addPendingLookup.run(region, signalId, at());
    },
    /**
     * Looks up again the links of signals whose lookup found the BRP unavailable, oldest first;
     * stops at the first that still finds it unavailable. A family match they make reaches the
     * regions through their feeds, as at delivery.
     */
    async retryLookups(lookup: FamilyLookup): Promise<RetriedLookups> {
      const counts = { found: 0, unknown: 0, stillUnavailable: 0 };
      for (const p of q.pendingLookups.all()) {
        if (p.status !== 'active' || !p.bsn_sealed) {
          q.removePendingLookup.run(p.region_id, p.signal_id);
          continue;
        }
        const links = await lookup(vault.open(p.bsn_sealed));
        if (links === UNAVAILABLE) {
          q.failedPendingLookup.run(p.region_id, p.signal_id);
          counts.stillUnavailable++;
          break;
        }
        setLateLinks(p.region_id, p.signal_id, links);
        counts[links ? 'found' : 'unknown']++;
      }
      feed.wake();
      return counts;
    },
    /** A signal left for good; `was` is its row before the change (its contact details for the 'left' events). */
    forget(was: FamilyRow): void {
      const ref = { region: was.region_id, signalId: was.signal_id };
      const before = neighbourhood(ref);
      q.clearKeys.run(ref.region, ref.signalId);
      departed.set(keyOf(ref), was);
      try {
        refresh(before.seeds.filter((s) => keyOf(s) !== keyOf(ref)), before.matches);
      } finally {
        departed.delete(keyOf(ref));
      }
    },
  };
}

export type NationalFamily = ReturnType<typeof createNationalFamily>;

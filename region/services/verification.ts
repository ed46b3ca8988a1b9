import type { PersonRegistry } from '../brp/registry.js';
import type { Person } from '../brp/person.js';
import { BrpRequestError, BrpUnavailableError } from '../brp/errors.js';
import { dateInZone, minDate } from '../domain/calendar.js';
import { familyLinks } from '../domain/family.js';
import { isValidBsn } from '../domain/bsn.js';
import { turns23On } from '../domain/youth.js';
import { auditActor, today, type RegionContext } from './context.js';
import type { FamilyMatches } from './family-matches.js';
import type { NoticeService } from './notices.js';
import type { BrpFacts, Idempotency, RegisterInput, Registration, SignalService } from './signals.js';
import type { LifecycleService } from './lifecycle.js';

/**
 * The population register in use: signals are verified against the BRP (age, death, family,
 * municipality); a signal registered while the BRP was down is kept, marked unverified, and
 * verified once it answers. Youths with a signal are followed (volgindicatie): a move tells the
 * reporting professionals and the checker of the new municipality (7.1.2.3(g)); a death removes
 * the signals without archive (7.1.4.5) and destroys the youth's archived ones (7.1.4.6). Follows end when no active or archived signal is left.
 */
type RegisteringProfessional = Parameters<SignalService['register']>[0];

/** 'unclear': the BRP answered this one person's lookup with nothing usable (about someone else, two people, outside the specification); it is not down. */
export type Lookup = { status: 'found'; person: Person } | { status: 'unknown' } | { status: 'unavailable' } | { status: 'unclear' };

interface SignalFacts {
  id: string;
  youth_key: string;
  status: string;
  turns23_on: string | null;
  removal_date: string | null;
  municipality: string;
  brp_municipality: string | null;
  professional_id: string;
}

export function createVerification(
  ctx: RegionContext, persons: PersonRegistry | null, signals: SignalService, family: FamilyMatches, notices: NoticeService, lifecycle: LifecycleService,
) {
  const { db, vault, audit } = ctx;
  const institutionAddresses = new Set(ctx.config.family.institutionAddressIds);
  const q = {
    signal: db.prepare<[string], SignalFacts>('SELECT id, youth_key, status, turns23_on, removal_date, municipality, brp_municipality, professional_id FROM signals WHERE id = ?'),
    ofYouth: db.prepare<[string], SignalFacts>("SELECT id, youth_key, status, turns23_on, removal_date, municipality, brp_municipality, professional_id FROM signals WHERE youth_key = ? AND status = 'active'"),
    archivedOfYouth: db.prepare<[string], string>("SELECT id FROM signals WHERE youth_key = ? AND status = 'archived'").pluck(),
    unverified: db.prepare<[], { id: string; bsn_sealed: Buffer }>("SELECT id, bsn_sealed FROM signals WHERE status = 'active' AND verified_at IS NULL ORDER BY registered_at LIMIT 2000"),
    verify: db.prepare('UPDATE signals SET verified_at = ?, turns23_on = ?, removal_date = ?, brp_municipality = ? WHERE id = ?'),
    moveTo: db.prepare('UPDATE signals SET municipality = ?, brp_municipality = ? WHERE id = ?'),
    setBrpMunicipality: db.prepare('UPDATE signals SET brp_municipality = ? WHERE id = ?'),
    municipality: db.prepare<[string], { code: string }>('SELECT code FROM municipalities WHERE code = ?'),
    follow: db.prepare('INSERT OR IGNORE INTO brp_follows (youth_key, bsn_sealed, followed_at) VALUES (?, ?, ?)'),
    followFailed: db.prepare('INSERT OR REPLACE INTO brp_follow_retries (youth_key, bsn_sealed, failed_at) VALUES (?, ?, ?)'),
    followDone: db.prepare('DELETE FROM brp_follow_retries WHERE youth_key = ?'),
    // Youths whose follow failed; those without an active or archived signal any more need none.
    followRetries: db.prepare<[], { youth_key: string; bsn_sealed: Buffer; needed: number }>(
      `SELECT r.youth_key, r.bsn_sealed, EXISTS (SELECT 1 FROM signals s WHERE s.youth_key = r.youth_key AND s.status IN ('active', 'archived')) AS needed
       FROM brp_follow_retries r ORDER BY r.failed_at LIMIT 2000`,
    ),
    stale: db.prepare<[], { youth_key: string; bsn_sealed: Buffer }>(
      "SELECT f.youth_key, f.bsn_sealed FROM brp_follows f WHERE NOT EXISTS (SELECT 1 FROM signals s WHERE s.youth_key = f.youth_key AND s.status IN ('active', 'archived'))",
    ),
    unfollowed: db.prepare('DELETE FROM brp_follows WHERE youth_key = ?'),
    state: db.prepare<[string], { value: string }>('SELECT value FROM sync_state WHERE key = ?'),
    setState: db.prepare('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
  };
  const system = { kind: 'system' } as const;

  /** The archive is destroyed at death too (7.1.4.6), not only at its end. Returns how many signals. */
  function destroyArchiveOf(youthKey: string): number {
    let n = 0;
    for (const id of q.archivedOfYouth.all(youthKey)) if (lifecycle.destroyArchived(id, 'death')) n++;
    return n;
  }

  /** Applies what the BRP says to one active signal; returns what happened. Call inside a transaction. */
  function applyFacts(signalId: string, person: Person): 'verified' | 'removed-death' | 'removed-age-23' {
    const s = q.signal.get(signalId)!;
    if (person.deceasedOn) {
      destroyArchiveOf(s.youth_key);
      signals.removeBySystem(signalId, 'death');
      return 'removed-death';
    }
    const t23 = person.birthDate ? turns23On(person.birthDate) : s.turns23_on!;
    if (t23 <= today(ctx)) {
      signals.removeBySystem(signalId, 'age-23');
      return 'removed-age-23';
    }
    q.verify.run(ctx.now().toISOString(), t23, minDate(s.removal_date!, t23), person.municipality, signalId);
    family.setLinks(signalId, familyLinks(person, institutionAddresses));
    return 'verified';
  }

  async function lookup(bsn: string): Promise<Lookup> {
    if (!persons) return { status: 'unavailable' };
    try {
      const person = await persons.lookup(bsn);
      return person ? { status: 'found', person } : { status: 'unknown' };
    } catch (err) {
      if (err instanceof BrpUnavailableError) return { status: err.reason === 'other-person' || err.reason === 'invalid-response' ? 'unclear' : 'unavailable' };
      throw err;
    }
  }

  /** Follows the youth at the BRP; a failure is kept and tried again at the next BRP run (verifyPending). Returns whether it worked. */
  async function follow(bsn: string): Promise<boolean> {
    if (!persons) return false;
    const youthKey = vault.youthKey(bsn);
    try {
      await persons.follow(bsn);
      db.transaction(() => {
        q.follow.run(youthKey, vault.seal(bsn), ctx.now().toISOString());
        q.followDone.run(youthKey);
      })();
      return true;
    } catch (err) {
      q.followFailed.run(youthKey, vault.seal(bsn), ctx.now().toISOString());
      ctx.log.warn({ error: (err as Error).name }, 'could not follow a youth in the BRP; will retry at the next BRP run');
      return false;
    }
  }

  return {
    enabled: persons !== null,
    lookup,
    applyFacts,
    follow,

    /**
     * A registration as every channel makes it (the API, the portal): with a population register, it
     * is asked about the youth first (outside the transaction), and only for a request that passes
     * every check that needs no lookup; the BRP's facts go into the registration (its birth date,
     * deceased, unknown), and the youth is followed once a new signal is stored. When the BRP is
     * down, the signal is kept unverified (verifyPending).
     */
    async register(actor: RegisteringProfessional, input: RegisterInput, idem?: Idempotency): Promise<Registration> {
      let brp: BrpFacts | undefined;
      if (persons && isValidBsn(input.bsn)) {
        signals.checkBeforeLookup(actor, input);
        const looked = await lookup(input.bsn);
        brp = looked.status === 'found' || looked.status === 'unknown' ? looked : undefined;
      }
      const result = await signals.registerGrouped(actor, input, idem, brp);
      // Followed now when the BRP answered; when it did not, the signal is unverified and verifyPending
      // follows the youth once it verifies it (trying now would make the professional wait a second time-out).
      if (result.status === 201 && brp) await follow(input.bsn);
      return result;
    },

    /** Verifies signals registered while the BRP was down; follows their youths. */
    async verifyPending(): Promise<{ verified: number; removed: number; stillUnverified: number; refused: number; followed: number }> {
      const counts = { verified: 0, removed: 0, stillUnverified: 0, refused: 0, followed: 0 };
      if (!persons) return counts;
      for (const row of q.unverified.all()) {
        const bsn = vault.open(row.bsn_sealed);
        if (!isValidBsn(bsn)) continue; // a verwijsindexservicenummer: the BRP cannot know it
        let found: Lookup;
        try {
          found = await lookup(bsn);
        } catch (err) {
          // The BRP refuses this one person (403, 404): it stays unverified, and the others go on.
          if (!(err instanceof BrpRequestError)) throw err;
          ctx.log.warn({ error: err.name, status: err.brpStatus }, 'the BRP refused a lookup; the signal stays unverified');
          counts.refused++;
          continue;
        }
        if (found.status !== 'found') {
          counts.stillUnverified++;
          if (found.status === 'unavailable') break;
          continue;
        }
        const outcome = db.transaction(() => (q.signal.get(row.id)?.status === 'active' ? applyFacts(row.id, found.person) : null))();
        if (outcome === 'verified') counts.verified++;
        else if (outcome) counts.removed++;
        await follow(bsn);
      }
      for (const r of q.followRetries.all()) {
        if (!r.needed) q.followDone.run(r.youth_key);
        else if (await follow(vault.open(r.bsn_sealed))) counts.followed++;
        else break; // the Update API still fails: the rest wait for the next run rather than each its time-out
      }
      if (counts.verified + counts.removed > 0) audit.record({ ...auditActor(system), action: 'brp.verify', outcome: 'ok', detail: counts }, ctx.now());
      return counts;
    },

    /** Moves and deaths since the last run (volgindicaties), then ends follows no longer needed. */
    async followChanges(): Promise<{ moves: number; deaths: number; archiveDestroyed: number; unfollowed: number }> {
      const counts = { moves: 0, deaths: 0, archiveDestroyed: 0, unfollowed: 0 };
      if (!persons) return counts;
      const since = q.state.get('brpChangesSince')?.value ?? dateInZone(new Date(ctx.now().getTime() - 86_400_000), ctx.config.timeZone);
      const asked = today(ctx);
      let changes: { bsn: string }[];
      try {
        changes = await persons.changesSince(since);
      } catch (err) {
        if (err instanceof BrpUnavailableError) return counts;
        throw err;
      }
      let complete = true;
      for (const change of changes) {
        let found: Lookup;
        try {
          found = await lookup(change.bsn);
        } catch (err) {
          // The BRP refuses this one person (403, 404): nothing to apply, and the others go on.
          if (!(err instanceof BrpRequestError)) throw err;
          // Refused (a changed authorisation may refuse everyone): the others go on, and the cursor stays, so this change is looked at again.
          ctx.log.warn({ error: err.name, status: err.brpStatus }, 'the BRP refused the lookup of a changed person; tried again at the next run');
          complete = false;
          continue;
        }
        // The BRP is down again: what was applied stays (applying it again is harmless), and the
        // cursor stays, so that the next run lists these changes again; none is lost.
        if (found.status === 'unavailable') {
          complete = false;
          break;
        }
        // Nothing usable about this one person: nothing to conclude; the others go on, and the cursor stays.
        if (found.status === 'unclear') {
          ctx.log.warn({}, 'the BRP gave no usable answer about a changed person; tried again at the next run');
          complete = false;
          continue;
        }
        if (found.status !== 'found') continue;
        const person = found.person;
        const youthKey = vault.youthKey(change.bsn);
        db.transaction(() => {
          if (person.deceasedOn) counts.archiveDestroyed += destroyArchiveOf(youthKey);
          for (const s of q.ofYouth.all(youthKey)) {
            if (person.deceasedOn) {
              signals.removeBySystem(s.id, 'death');
              counts.deaths++;
              continue;
            }
            const moved = person.municipality && person.municipality !== (s.brp_municipality ?? s.municipality);
            if (moved) {
              const inArea = q.municipality.get(person.municipality!) !== undefined;
              if (inArea) q.moveTo.run(person.municipality, person.municipality, s.id);
              else q.setBrpMunicipality.run(person.municipality, s.id);
              notices.toProfessional(s.professional_id, 'move', null, { signalId: s.id, municipality: person.municipality!, inArea });
              if (inArea) notices.toChecker(person.municipality!, 'move', null, { municipality: person.municipality! });
              counts.moves++;
            }
            family.setLinks(s.id, familyLinks(person, institutionAddresses));
          }
        })();
      }
      for (const f of q.stale.all()) {
        try {
          await persons.unfollow(vault.open(f.bsn_sealed));
          q.unfollowed.run(f.youth_key);
          counts.unfollowed++;
        } catch (err) {
          ctx.log.warn({ error: (err as Error).name }, 'could not end a BRP follow; will retry');
        }
      }
      if (complete) q.setState.run('brpChangesSince', asked);
      if (counts.moves + counts.deaths + counts.archiveDestroyed + counts.unfollowed > 0) audit.record({ ...auditActor(system), action: 'brp.changes', outcome: 'ok', detail: counts }, ctx.now());
      return counts;
    },
  };
}

export type Verification = ReturnType<typeof createVerification>;

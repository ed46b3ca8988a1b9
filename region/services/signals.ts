import { AppError, notFound } from '../errors.js';
import { checkNewSignal, checkRemovalDate, checkSignalRequest } from '../domain/signal-rules.js';
import { archiveEnd, archiveStart, goesToArchive, type RemovalReason } from '../domain/removal.js';
import { turns23On } from '../domain/youth.js';
import { auditActor, refusalsAudited, today, type Actor, type RegionContext } from './context.js';
import type { MatchService } from './matches.js';
import type { NoticeService } from './notices.js';
import type { Outbox } from './outbox.js';
import type { FamilyMatches } from './family-matches.js';
import type { Person } from '../brp/person.js';
import { familyLinks } from '../domain/family.js';
import { uuid7 } from '../store/ids.js';

/**
 * Signals (meldingen): registration, extension, removal and archive (7.1.4.2-7.1.4.6).
 * A signal holds only what 7.1.4.2 allows: the youth's BSN (sealed, plus its blind index), the
 * professional and institution, when, and until when; plus the municipality (for its checker,
 * 7.1.3.2) and the date the youth turns 23 (for removal at 23 and the archive's end). The
 * birth date itself and the risk criterion are not stored.
 */
export interface SignalRow {
  id: string;
  youth_key: string | null;
  turns23_on: string | null;
  municipality: string;
  professional_id: string;
  institution_id: string;
  status: 'active' | 'archived' | 'removed';
  registered_at: string;
  removal_date: string | null;
  removed_at: string | null;
  removal_reason: string | null;
  archive_until: string | null;
  match_id: string | null;
  verified_at: string | null;
}

export interface RegisterInput {
  bsn: string;
  birthDate: string;
  municipality: string;
  legalGroundConfirmed: boolean;
  removalDate?: string;
}

/** An Idempotency-Key and a keyed hash of the request it first came with. */
export interface Idempotency {
  key: string;
  requestHash: string;
}

/** What the population register said about the BSN before registration (absent: no register, or it was down). */
export type BrpFacts = { status: 'found'; person: Person } | { status: 'unknown' };

export interface Registration {
  status: 200 | 201;
  signal: SignalView;
}

type ProfessionalActor = Extract<Actor, { kind: 'professional' }>;

/** At most this many registrations share one commit (bounds the wait of the first of a group). */
const GROUP_MAX = 64;

export function signalView(row: SignalRow) {
  return {
    id: row.id,
    status: row.status,
    municipality: row.municipality,
    registeredAt: row.registered_at,
    removalDate: row.removal_date,
    matchId: row.status === 'active' ? row.match_id : null,
    verified: row.verified_at !== null,
    ...(row.status !== 'active' ? { removedAt: row.removed_at, removalReason: row.removal_reason } : {}),
    ...(row.status === 'archived' ? { archiveUntil: row.archive_until } : {}),
  };
}
export type SignalView = ReturnType<typeof signalView>;

export function createSignalService(ctx: RegionContext, matches: MatchService, notices: NoticeService, outbox: Outbox, family: FamilyMatches) {
  const institutionAddresses = new Set(ctx.config.family.institutionAddressIds);
  const { db, vault, audit } = ctx;
  const cols = 'id, youth_key, turns23_on, municipality, professional_id, institution_id, status, registered_at, removal_date, removed_at, removal_reason, archive_until, match_id, verified_at';
  const q = {
    byId: db.prepare<[string], SignalRow>(`SELECT ${cols} FROM signals WHERE id = ?`),
    // What a registration checks, in one statement: the youth's active signals (the professional's
    // own, and the others it matches with) and the archived signals of other professionals that no
    // registration has told about yet (7.1.4.6). Each arm uses its partial index on youth_key.
    ofYouthToCheck: db.prepare<[string, string, string], SignalRow>(
      `SELECT ${cols} FROM signals WHERE youth_key = ? AND status = 'active'
       UNION ALL
       SELECT ${cols} FROM signals WHERE youth_key = ? AND status = 'archived' AND history_notified_at IS NULL AND professional_id <> ?`,
    ),
    ofProfessional: db.prepare<[string], SignalRow>(`SELECT ${cols} FROM signals WHERE professional_id = ? ORDER BY registered_at DESC, id`),
    municipality: db.prepare<[string], { code: string }>('SELECT code FROM municipalities WHERE code = ?'),
    insert: db.prepare(
      `INSERT INTO signals (id, youth_key, bsn_sealed, turns23_on, municipality, professional_id, institution_id, status, registered_at, removal_date)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)`,
    ),
    idempotent: db.prepare<[string, string], { request_hash: string; status_code: number; response: string }>(
      'SELECT request_hash, status_code, response FROM idempotency_keys WHERE institution_id = ? AND key = ?',
    ),
    storeIdempotent: db.prepare(
      'INSERT INTO idempotency_keys (institution_id, key, request_hash, status_code, response, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    markVerified: db.prepare('UPDATE signals SET verified_at = ?, brp_municipality = ? WHERE id = ?'),
    markHistoryNotified: db.prepare('UPDATE signals SET history_notified_at = ? WHERE id = ?'),
    extend: db.prepare('UPDATE signals SET removal_date = ? WHERE id = ?'),
    archive: db.prepare(
      "UPDATE signals SET status = 'archived', removed_at = ?, removal_reason = ?, archive_until = ?, removal_date = NULL WHERE id = ?",
    ),
    erase: db.prepare(
      `UPDATE signals SET status = 'removed', removed_at = ?, removal_reason = ?, youth_key = NULL, bsn_sealed = NULL,
       turns23_on = NULL, archive_until = NULL, removal_date = NULL WHERE id = ?`,
    ),
  };
  // Municipalities of the covenant area once seen: a municipality is never removed from it (signals
  // refer to it), so a code found once stays valid, and only an unseen code costs a query.
  const knownMunicipalities = new Set<string>();
  const record = (actor: Actor, action: string, objectId: string | null, outcome: string, detail?: Record<string, unknown>): void =>
    audit.record({ ...auditActor(actor), action, objectType: 'signal', objectId, outcome, detail: detail ?? null }, ctx.now());

  /** Runs a change; a refused change is audited with its code, outside the rolled-back transaction. */
  function audited<T>(actor: Actor, action: string, objectId: string | null, work: () => T): T {
    return refusalsAudited(ctx, { ...auditActor(actor), action, objectType: 'signal', objectId, detail: null }, work);
  }

  function checkMunicipality(code: string): void {
    if (knownMunicipalities.has(code)) return;
    if (!q.municipality.get(code)) throw new AppError('UNKNOWN_MUNICIPALITY', `municipality ${code} is not part of this covenant area`, 422);
    knownMunicipalities.add(code);
  }

  function ownSignal(actor: ProfessionalActor, id: string): SignalRow {
    const row = q.byId.get(id);
    if (!row || row.professional_id !== actor.professionalId) throw notFound('signal');
    return row;
  }

  const registerTx = db.transaction((actor: ProfessionalActor, input: RegisterInput, idem?: Idempotency, brp?: BrpFacts): Registration => {
    if (idem) {
      const seen = q.idempotent.get(actor.institutionId, idem.key);
      if (seen && seen.request_hash !== idem.requestHash) {
        throw new AppError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used for a different request', 422);
      }
      if (seen) {
        record(actor, 'signal.register', null, 'replayed');
        return { status: seen.status_code as 200 | 201, signal: JSON.parse(seen.response) as SignalView };
      }
    }
    const result = registerOnce(actor, input, brp);
    if (idem) {
      q.storeIdempotent.run(actor.institutionId, idem.key, idem.requestHash, result.status, JSON.stringify(result.signal), ctx.now().toISOString());
    }
    return result;
  });

  function registerOnce(actor: ProfessionalActor, input: RegisterInput, brp?: BrpFacts): Registration {
    const day = today(ctx);
    if (brp?.status === 'unknown') {
      throw new AppError('UNKNOWN_BSN', 'the population register (BRP) knows no person with this BSN: check the number', 422);
    }
    const person = brp?.status === 'found' ? brp.person : null;
    if (person?.deceasedOn) throw new AppError('DECEASED', 'according to the population register (BRP) this youth has died', 422);
    // The BRP's birth date wins over what was typed in (7.1.4.5 counts from the real 23rd birthday).
    const facts = person?.birthDate ? { ...input, birthDate: person.birthDate } : input;
    const removalDate = checkNewSignal(facts, day);
    checkMunicipality(input.municipality);
    const youthKey = vault.youthKey(input.bsn);
    // One lookup serves the professional's own active signal, the match check and the history notices.
    const ofYouth = q.ofYouthToCheck.all(youthKey, youthKey, actor.professionalId);
    const activeOfYouth = ofYouth.filter((s) => s.status === 'active');
    const existing = activeOfYouth.find((s) => s.professional_id === actor.professionalId);
    if (existing) {
      record(actor, 'signal.register', existing.id, 'existing');
      return { status: 200, signal: signalView(existing) };
    }
    const id = uuid7();
    const now = ctx.now().toISOString();
    const row: SignalRow = {
      id, youth_key: youthKey, turns23_on: turns23On(facts.birthDate), municipality: input.municipality, professional_id: actor.professionalId,
      institution_id: actor.institutionId, status: 'active', registered_at: now, removal_date: removalDate, removed_at: null, removal_reason: null,
      archive_until: null, match_id: null, verified_at: person ? now : null,
    };
    q.insert.run(id, youthKey, vault.seal(input.bsn), row.turns23_on, row.municipality, row.professional_id, row.institution_id, now, removalDate);
    if (person) q.markVerified.run(now, person.municipality, id);
    outbox.registered(row, input.bsn);
    for (const archived of ofYouth) {
      if (archived.status !== 'archived') continue;
      notices.toProfessional(actor.professionalId, 'history', null, {
        professionalIds: [archived.professional_id], archivedSignalId: archived.id, registeredAt: archived.registered_at, removedAt: archived.removed_at!,
      });
      q.markHistoryNotified.run(now, archived.id);
    }
    row.match_id = matches.signalActivated(id, youthKey, [...activeOfYouth, row]);
    if (person) family.setLinks(id, familyLinks(person, institutionAddresses));
    record(actor, 'signal.register', id, 'ok');
    return { status: 201, signal: signalView(row) };
  }

  /** Removes a signal for a reason; archives it only where 7.1.4.6 says so. Used by professionals and by the index itself. */
  const removeTx = db.transaction((actor: Actor, row: SignalRow, reason: RemovalReason) => {
    if (row.status !== 'active') throw new AppError('SIGNAL_NOT_ACTIVE', `signal is ${row.status}, not active`, 409);
    const now = ctx.now().toISOString();
    if (goesToArchive(reason)) {
      q.archive.run(now, reason, archiveEnd(archiveStart(reason, row.removal_date, today(ctx)), row.turns23_on!), row.id);
    } else {
      q.erase.run(now, reason, row.id);
    }
    ctx.onStep?.('signal-updated', row.id);
    outbox.removed(row.id, reason);
    matches.signalDeactivated(row.id, row.match_id, row.professional_id);
    family.forget(row.id);
    record(actor, 'signal.remove', row.id, 'ok', { reason, archived: goesToArchive(reason) });
    return signalView(q.byId.get(row.id)!);
  });

  const register = (actor: ProfessionalActor, input: RegisterInput, idem?: Idempotency, brp?: BrpFacts): Registration =>
    audited(actor, 'signal.register', null, () => registerTx(actor, input, idem, brp));

  /**
   * Group commit. Registrations through the API that arrive in the same turn of the event loop
   * are written in one transaction, each in a savepoint of its own (registerTx nests), so a
   * refused one rolls back only itself; the group commits once and only then is any of them
   * answered. A commit is the largest single cost of a registration, and most of the pages it
   * writes (the audit and outbox tails, the upper index pages) are shared within a group. If the
   * commit fails, every registration of the group fails with it: none was answered as stored.
   */
  interface Queued {
    args: Parameters<typeof register>;
    resolve: (r: Registration) => void;
    reject: (err: unknown) => void;
  }
  type Outcome = { ok: Registration } | { err: unknown };
  const groupTx = db.transaction((group: Queued[]): Outcome[] =>
    group.map((item) => {
      try {
        return { ok: register(...item.args) };
      } catch (err) {
        return { err };
      }
    }),
  );
  let queue: Queued[] = [];
  const commitGroup = (): void => {
    const group = queue.splice(0, GROUP_MAX);
    if (queue.length) setImmediate(commitGroup);
    let outcomes: Outcome[];
    try {
      // IMMEDIATE: the write lock is taken once, up front; if another process holds it past the
      // busy timeout, the group fails once instead of each registration waiting in turn.
      outcomes = groupTx.immediate(group);
    } catch (err) {
      for (const item of group) item.reject(err);
      return;
    }
    group.forEach((item, i) => {
      const outcome = outcomes[i];
      if ('ok' in outcome) item.resolve(outcome.ok);
      else item.reject(outcome.err);
    });
  };

  return {
    /** Registers a signal; the same professional on the same youth gets their active signal back (200). */
    register,

    /**
     * Refuses, audited as a refused registration, a request that fails what can be checked before the
     * population register is asked (checkSignalRequest, the municipality): the register is asked
     * only on behalf of a registration that could succeed.
     */
    checkBeforeLookup: (actor: ProfessionalActor, input: RegisterInput): void =>
      audited(actor, 'signal.register', null, () => {
        checkSignalRequest(input);
        checkMunicipality(input.municipality);
      }),

    /** The same, committed together with the other registrations of this turn of the event loop (the API's path). */
    registerGrouped: (...args: Parameters<typeof register>): Promise<Registration> =>
      new Promise((resolve, reject) => {
        if (queue.length === 0) setImmediate(commitGroup);
        queue.push({ args, resolve, reject });
      }),

    list(actor: ProfessionalActor) {
      const rows = q.ofProfessional.all(actor.professionalId);
      audit.record(
        { ...auditActor(actor), action: 'signal.list', objectType: 'signal', objectId: null, outcome: 'ok', detail: { count: rows.length } }, ctx.now(),
        rows.map((r) => ({ type: 'signal', id: r.id })),
      );
      return rows.map(signalView);
    },

    get(actor: ProfessionalActor, id: string) {
      return audited(actor, 'signal.read', id, () => {
        const row = ownSignal(actor, id);
        record(actor, 'signal.read', id, 'ok');
        return signalView(row);
      });
    },

    extend: (actor: ProfessionalActor, id: string, removalDate: string | undefined) =>
      audited(actor, 'signal.extend', id, () =>
        db.transaction(() => {
          const row = ownSignal(actor, id);
          if (row.status !== 'active') throw new AppError('SIGNAL_NOT_ACTIVE', `signal is ${row.status}, not active`, 409);
          const day = today(ctx);
          const date = checkRemovalDate(removalDate, day, day, row.turns23_on!);
          if (date <= row.removal_date!) {
            throw new AppError('NOT_AN_EXTENSION', removalDate === undefined
              ? `the signal already runs until the latest date the law allows (${row.removal_date}): it cannot be extended further now`
              : `removalDate must lie after the current removal date ${row.removal_date}`, 400);
          }
          q.extend.run(date, id);
          outbox.extended(q.byId.get(id)!);
          record(actor, 'signal.extend', id, 'ok');
          return signalView(q.byId.get(id)!);
        })(),
      ),

    remove: (actor: ProfessionalActor, id: string, reason: RemovalReason) =>
      audited(actor, 'signal.remove', id, () => removeTx(actor, ownSignal(actor, id), reason)),

    /** The index removes a signal itself (expiry, 23rd birthday, death). */
    removeBySystem: (id: string, reason: RemovalReason) => {
      const row = q.byId.get(id);
      if (!row) throw notFound('signal');
      return removeTx({ kind: 'system' }, row, reason);
    },
  };
}

export type SignalService = ReturnType<typeof createSignalService>;

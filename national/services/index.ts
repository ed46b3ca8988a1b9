import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { BsnVault } from '../../region/crypto/bsn-vault.js';
import { isValidBsn } from '../../region/domain/bsn.js';
import { isServiceNumber } from '../../region/domain/service-number.js';
import { dateInZone, isCalendarDate, minDate } from '../../region/domain/calendar.js';
import { maxRemovalDate } from '../../region/domain/signal-rules.js';
import { isMatch } from '../../region/domain/matching.js';
import { archiveEnd, archiveStart, goesToArchive, type RemovalReason } from '../../region/domain/removal.js';
import type { Db } from '../../region/store/db.js';
import type { Ack, SignalEvent } from '../protocol/types.js';
import { createBatchSnapshots, type BatchSnapshot, type Processed } from './batch-snapshot.js';
import type { Feed } from './feed.js';
import { arose, key, participant, SIGNAL_COLUMNS, type SignalRow } from './signal-rows.js';
import { createReconcile } from './reconcile.js';
import type { SnapshotLimits } from './held-snapshots.js';
import { createNationalFamily, UNAVAILABLE, type FamilyLookup, type RetriedLookups } from './family.js';

/**
 * The national index: receives every region's signal events (idempotent on event id), holds the
 * signals under the same rules as a region (matching, removal, archive: the same functions from
 * region/domain), and matches across regions, telling each region whose signals take part
 * through its feed.
 */
export interface NationalContext {
  db: Db;
  vault: BsnVault;
  feed: Feed;
  log: Logger;
  timeZone: string;
  now: () => Date;
  /** The national index's own population register lookups (for family links); null without BRP access. */
  lookupFamily: FamilyLookup | null;
  /** The limits of the match snapshots held for regions (reconcile.ts); absent: the defaults. */
  snapshotLimits?: SnapshotLimits;
}

type Links = string[] | null | typeof UNAVAILABLE;

/** Thrown out of the savepoint-free batch transaction when an event fails, to roll the attempt back. */
class EventFailed extends Error {}

const reject = (e: SignalEvent, code: string, message: string): Ack => ({ eventId: e.eventId, result: 'rejected', code, message });

export function createNationalIndex(ctx: NationalContext) {
  const { db, vault, feed } = ctx;
  const family = createNationalFamily(db, vault, feed, ctx.now);
  const reconcile = createReconcile(db, ctx.snapshotLimits);
  const snapshots = createBatchSnapshots(db, vault);
  /** The snapshot of the batch the savepoint-free attempt is applying; null otherwise (each lookup then goes to the database). */
  let batch: BatchSnapshot | null = null;
  const q = {
    processed: db.prepare<[string], Processed>('SELECT region_id, result FROM processed_events WHERE event_id = ?'),
    markProcessed: db.prepare('INSERT INTO processed_events (event_id, region_id, result, processed_at) VALUES (?, ?, ?, ?)'),
    signal: db.prepare<[string, string], SignalRow>(`SELECT ${SIGNAL_COLUMNS} FROM signals WHERE region_id = ? AND signal_id = ?`),
    insertSignal: db.prepare(
      `INSERT INTO signals (region_id, signal_id, youth_key, bsn_sealed, turns23_on, municipality, professional, registered_at, removal_date, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active')`,
    ),
    extend: db.prepare("UPDATE signals SET removal_date = ? WHERE region_id = ? AND signal_id = ? AND status = 'active'"),
    revive: db.prepare(
      "UPDATE signals SET status = 'active', removed_at = NULL, removal_reason = NULL, archive_until = NULL, removal_date = ? WHERE region_id = ? AND signal_id = ? AND status = 'archived'",
    ),
    archive: db.prepare("UPDATE signals SET status = 'archived', removed_at = ?, removal_reason = ?, archive_until = ?, removal_date = NULL WHERE region_id = ? AND signal_id = ?"),
    erase: db.prepare(
      `UPDATE signals SET status = 'removed', removed_at = ?, removal_reason = ?, youth_key = NULL, bsn_sealed = NULL, turns23_on = NULL,
       archive_until = NULL, removal_date = NULL, professional = NULL WHERE region_id = ? AND signal_id = ?`,
    ),
    activeOfYouth: db.prepare<[string], SignalRow>(`SELECT ${SIGNAL_COLUMNS} FROM signals WHERE youth_key = ? AND status = 'active' ORDER BY registered_at, region_id, signal_id`),
    // kind = 'person' lets SQLite use the unique index on active person matches (a family match's youth_key is never a youth's).
    activeMatch: db.prepare<[string], { id: string }>("SELECT id FROM matches WHERE youth_key = ? AND status = 'active' AND kind = 'person'"),
    insertMatch: db.prepare("INSERT INTO matches (id, youth_key, status, created_at) VALUES (?, ?, 'active', ?)"),
    endMatch: db.prepare("UPDATE matches SET status = 'ended', ended_at = ?, youth_key = NULL WHERE id = ?"),
    participants: db.prepare<[string], { region_id: string; signal_id: string }>('SELECT region_id, signal_id FROM match_participants WHERE match_id = ? AND left_at IS NULL'),
    join: db.prepare('INSERT OR REPLACE INTO match_participants (match_id, region_id, signal_id, joined_at) VALUES (?, ?, ?, ?)'),
    leave: db.prepare('UPDATE match_participants SET left_at = ? WHERE match_id = ? AND region_id = ? AND signal_id = ? AND left_at IS NULL'),
    dueActive: db.prepare<[string], { region_id: string; signal_id: string; removal_date: string; turns23_on: string }>(
      "SELECT region_id, signal_id, removal_date, turns23_on FROM signals WHERE status = 'active' AND removal_date <= ?",
    ),
    dueArchive: db.prepare("UPDATE signals SET status = 'removed', youth_key = NULL, bsn_sealed = NULL, turns23_on = NULL, archive_until = NULL, professional = NULL WHERE status = 'archived' AND archive_until <= ?"),
    setProfessional: db.prepare('UPDATE signals SET professional = ? WHERE region_id = ? AND signal_id = ?'),
    activeMatchesOfSignal: db.prepare<[string, string], { id: string; kind: string }>(
      "SELECT m.id, m.kind FROM match_participants mp JOIN matches m ON m.id = mp.match_id WHERE mp.region_id = ? AND mp.signal_id = ? AND mp.left_at IS NULL AND m.status = 'active'",
    ),
  };
  const at = (): string => ctx.now().toISOString();
  const today = (): string => dateInZone(ctx.now(), ctx.timeZone);

  /**
   * The region handed the signal over to a colleague (7.1.3.3) and registered it again with the new
   * professional: the national index keeps the new contact details, and every region with a signal
   * in the signal's matches hears of the participant again ('joined' with the same key), so the
   * other regions show the new contact.
   */
  function handedOver(row: SignalRow, professional: string): void {
    q.setProfessional.run(professional, row.region_id, row.signal_id);
    const updated = participant({ ...row, professional });
    const now = at();
    // The colleague may have a signal of their own in the match: then it may be no match any more
    // (7.1.2.3), as the region ends it (region/services/handover.ts); every region in it is told.
    const kinds = new Set(q.activeMatchesOfSignal.all(row.region_id, row.signal_id).map((m) => m.kind));
    if (kinds.has('person')) rematch(row.youth_key!, null);
    if (kinds.has('family')) family.recheck(row.region_id, row.signal_id);
    for (const m of q.activeMatchesOfSignal.all(row.region_id, row.signal_id)) {
      const members = q.participants.all(m.id);
      for (const region of new Set(members.map((p) => p.region_id))) {
        const ownSignalIds = members.filter((p) => p.region_id === region).map((p) => p.signal_id);
        feed.append(region, { kind: 'joined', matchId: m.id, family: m.kind === 'family', ownSignalIds, participants: [updated] }, now);
      }
    }
  }

  /** Brings the youth's national match in line with its active signals and tells the regions concerned. */
  function rematch(youthKey: string, gone: SignalRow | null): void {
    const active = q.activeOfYouth.all(youthKey);
    const refs = active.map((r) => ({ signalId: key(r.region_id, r.signal_id), professionalId: key(r.region_id, JSON.parse(r.professional!).id) }));
    const match = q.activeMatch.get(youthKey);
    const now = at();
    if (!isMatch(refs)) {
      if (!match) return;
      const before = q.participants.all(match.id);
      q.endMatch.run(now, match.id);
      for (const p of before) q.leave.run(now, match.id, p.region_id, p.signal_id);
      for (const region of new Set(before.map((p) => p.region_id))) {
        feed.append(region, { kind: 'ended', matchId: match.id, family: false, ownSignalIds: before.filter((p) => p.region_id === region).map((p) => p.signal_id), participants: [] }, now);
      }
      return;
    }
    if (!match) {
      const id = randomUUID();
      q.insertMatch.run(id, youthKey, now);
      for (const r of active) q.join.run(id, r.region_id, r.signal_id, now);
      for (const region of new Set(active.map((r) => r.region_id))) feed.append(region, arose(id, active, region), now);
      return;
    }
    const before = q.participants.all(match.id);
    const beforeKeys = new Set(before.map((p) => key(p.region_id, p.signal_id)));
    const regionsBefore = new Set(before.map((p) => p.region_id));
    for (const r of active.filter((a) => !beforeKeys.has(key(a.region_id, a.signal_id)))) {
      q.join.run(match.id, r.region_id, r.signal_id, now);
      if (!regionsBefore.has(r.region_id)) {
        feed.append(r.region_id, arose(match.id, active, r.region_id), now);
        regionsBefore.add(r.region_id);
      } else {
        feed.append(r.region_id, { kind: 'joined', matchId: match.id, family: false, ownSignalIds: [r.signal_id], participants: [participant(r)] }, now);
      }
      for (const region of new Set(before.map((p) => p.region_id))) {
        if (region !== r.region_id) feed.append(region, { kind: 'joined', matchId: match.id, family: false, ownSignalIds: before.filter((p) => p.region_id === region).map((p) => p.signal_id), participants: [participant(r)] }, now);
      }
    }
    if (gone && beforeKeys.has(key(gone.region_id, gone.signal_id))) {
      q.leave.run(now, match.id, gone.region_id, gone.signal_id);
      const left = participant(gone);
      for (const region of new Set(active.map((a) => a.region_id))) {
        feed.append(region, { kind: 'left', matchId: match.id, family: false, ownSignalIds: active.filter((a) => a.region_id === region).map((a) => a.signal_id), participants: [left] }, now);
      }
    }
  }

  /** `removedOn`: the day the region removed it (never after today here); today for this index's own removals. */
  function removeSignal(row: SignalRow, reason: RemovalReason, removedOn = today()): void {
    if (batch && row.youth_key) batch.touchYouth(row.youth_key);
    const was = { region_id: row.region_id, signal_id: row.signal_id, youth_key: row.youth_key!, professional: row.professional!, registered_at: row.registered_at };
    if (goesToArchive(reason)) q.archive.run(at(), reason, archiveEnd(archiveStart(reason, row.removal_date, removedOn), row.turns23_on!), row.region_id, row.signal_id);
    else q.erase.run(at(), reason, row.region_id, row.signal_id);
    if (row.youth_key) rematch(row.youth_key, row);
    family.forget(was);
  }

  function applyOne(region: string, e: SignalEvent, links: Links): Ack {
    const existing = batch && !batch.signalMayExist(e.signalId) ? undefined : q.signal.get(region, e.signalId);
    switch (e.kind) {
      case 'registered': {
        if (!e.bsn || !(isValidBsn(e.bsn) || isServiceNumber(e.bsn))) return reject(e, 'ONGELDIG_BSN', 'bsn is missing, fails the elfproef and is no verwijsindexservicenummer');
        if (!e.turns23On || !isCalendarDate(e.turns23On) || !e.removalDate || !isCalendarDate(e.removalDate) || !e.professional || !e.registeredAt || !e.municipality) {
          return reject(e, 'ONVOLLEDIG', 'a registered event needs drieentwintigOp, verwijderdatum, gemeente, meldingsbevoegde and registratietijdstip');
        }
        // A signal the index holds already: sent again, after a hand-over with the colleague's contact
        // details. Nothing else of it changes (an extension may have moved its removal date past the
        // two years from registration, so the checks below are for new signals only).
        if (existing) {
          if (existing.status !== 'active') return reject(e, 'AL_VERWIJDERD', 'this signal was already removed');
          const professional = JSON.stringify(e.professional);
          if (existing.professional !== professional) handedOver(existing, professional);
          return { eventId: e.eventId, result: 'accepted' };
        }
        const registeredAt = Date.parse(e.registeredAt);
        if (Number.isNaN(registeredAt)) return reject(e, 'ONVOLLEDIG', 'registratietijdstip is not a real moment: give a date and time that exist, such as 2026-03-02T09:00:00Z');
        // The region's rule (7.1.4.5), from the day of registration in the covenant areas' time zone as
        // the region counts it: not the UTC date of the timestamp, which is the day before for a
        // signal made between midnight and 01:00 (02:00 in summer) Dutch time.
        const registeredOn = dateInZone(new Date(registeredAt), ctx.timeZone);
        // The rest of the region's rules for a new signal, checked again here: a signal the law does
        // not allow must not make a match across regions and send contact details out (7.1.1.1).
        if (e.turns23On <= registeredOn) return reject(e, 'TE_OUD', 'the youth was 23 or older when the signal was made (7.1.1.1)');
        if (e.removalDate <= registeredOn) return reject(e, 'VERWIJDERDATUM_TE_VROEG', 'verwijderdatum must lie after the day of registration');
        if (e.removalDate > maxRemovalDate(registeredOn, e.turns23On)) {
          return reject(e, 'VERWIJDERDATUM_TE_LAAT', 'verwijderdatum lies past the legal maximum (7.1.4.5)');
        }
        const youthKey = batch ? batch.youthKey(e.bsn) : vault.youthKey(e.bsn);
        q.insertSignal.run(region, e.signalId, youthKey, vault.seal(e.bsn), e.turns23On, e.municipality, JSON.stringify(e.professional), e.registeredAt, e.removalDate);
        // A youth without active signals or a match before this one has only this signal now: no match to make or change.
        if (batch && batch.youthUntouched(youthKey)) batch.touchYouth(youthKey);
        else rematch(youthKey, null);
        if (links === UNAVAILABLE) family.lookUpLater(region, e.signalId);
        else if (links) family.setLinks(region, e.signalId, links);
        return { eventId: e.eventId, result: 'accepted' };
      }
      case 'extended': {
        // Archived here as expired by this index's own removal run while the region's extension was on
        // its way (the region could not reach this index in time): the region extended an active
        // signal, so it is active again, and its matches come back.
        const expiredHere = existing?.status === 'archived' && existing.removal_reason === 'expired' && !!e.removalDate && e.removalDate > today();
        if (!existing || (existing.status !== 'active' && !expiredHere)) return reject(e, 'ONBEKENDE_MELDING', 'no active signal with this meldingId');
        if (!e.removalDate || !isCalendarDate(e.removalDate) || e.removalDate > existing.turns23_on!) return reject(e, 'ONGELDIGE_VERWIJDERDATUM', 'verwijderdatum is missing or past the 23rd birthday');
        // At most two years from the day of the extension (7.1.4.5), that day taken as the region took it.
        if (e.removalDate > maxRemovalDate(dateInZone(new Date(e.occurredAt), ctx.timeZone), existing.turns23_on!)) {
          return reject(e, 'VERWIJDERDATUM_TE_LAAT', 'verwijderdatum lies more than two years after the extension (7.1.4.5)');
        }
        if (expiredHere) {
          q.revive.run(e.removalDate, region, e.signalId);
          if (batch) batch.touchYouth(existing.youth_key!);
          rematch(existing.youth_key!, null);
          if (ctx.lookupFamily) family.lookUpLater(region, e.signalId);
          return { eventId: e.eventId, result: 'accepted' };
        }
        q.extend.run(e.removalDate, region, e.signalId);
        return { eventId: e.eventId, result: 'accepted' };
      }
      case 'removed': {
        if (!e.reason) return reject(e, 'ONVOLLEDIG', 'a removed event needs a reden');
        if (!existing) return reject(e, 'ONBEKENDE_MELDING', 'no signal with this meldingId');
        // An archived signal removed for a reason that allows no archive (death, objection,
        // correction) is destroyed before its archive ends, as in the region (7.1.4.6).
        if (existing.status === 'archived' && !goesToArchive(e.reason)) q.erase.run(at(), e.reason, region, e.signalId);
        if (existing.status !== 'active') return { eventId: e.eventId, result: 'accepted' };
        // The archive runs from the day the region removed it, not from the day its event arrived
        // (a region that was cut off delivers days later).
        removeSignal(existing, e.reason, minDate(dateInZone(new Date(e.occurredAt), ctx.timeZone), today()));
        return { eventId: e.eventId, result: 'accepted' };
      }
    }
  }

  /** One event, idempotent on its id, inside the caller's transaction. */
  function applyEvent(region: string, e: SignalEvent, links: Links): Ack {
    const seen = batch ? batch.processedBy(e.eventId) : q.processed.get(e.eventId);
    if (seen !== undefined) {
      if (seen.region_id !== region) return reject(e, 'ID_IN_GEBRUIK', 'this gebeurtenisId belongs to another region');
      // Sent again after a refusal whose answer was lost: refused again, not "dubbel" (which the region takes as delivered).
      if (seen.result === 'rejected') return reject(e, 'AL_GEWEIGERD', 'this gebeurtenisId was refused before (the first answer said why); it was not applied');
      return { eventId: e.eventId, result: 'duplicate' };
    }
    const ack = applyOne(region, e, links);
    if (batch) batch.markProcessed(e.eventId, region, ack.result, at());
    else q.markProcessed.run(e.eventId, region, ack.result, at());
    return ack;
  }

  /** Registered events with a valid BSN: the ones whose youth key applyOne computes. */
  const keyed = (e: SignalEvent): boolean => e.kind === 'registered' && !!e.bsn && (isValidBsn(e.bsn) || isServiceNumber(e.bsn));

  /**
   * The usual case: the whole batch in one transaction, without a savepoint per event, its lookups
   * answered from the batch's snapshot where it can. Any failure, of an event or of the snapshot,
   * throws EventFailed (and so rolls the attempt back whole).
   */
  const deliverAllTx = db.transaction((region: string, events: SignalEvent[], links: Map<string, Links>): Ack[] => {
    try {
      batch = snapshots(region, events, keyed);
      const acks = events.map((e) => applyEvent(region, e, links.get(e.eventId) ?? null));
      batch.flush();
      return acks;
    } catch {
      throw new EventFailed();
    } finally {
      batch = null;
    }
  });

  /** After a failure: each event in its own savepoint, so a failing event is rolled back alone. */
  const applyTx = db.transaction(applyEvent);
  const deliverTx = db.transaction((region: string, events: SignalEvent[], links: Map<string, Links>): Ack[] =>
    events.map((e) => {
      try {
        return applyTx(region, e, links.get(e.eventId) ?? null);
      } catch (err) {
        ctx.log.error({ err: { type: (err as Error).name, message: (err as Error).message }, region }, 'event failed');
        return reject(e, 'VERWERKING_MISLUKT', 'the event could not be processed; it is safe to send again');
      }
    }),
  );

  const removeDueTx = db.transaction((due: { region_id: string; signal_id: string; removal_date: string; turns23_on: string }) => {
    const row = q.signal.get(due.region_id, due.signal_id)!;
    removeSignal(row, due.removal_date >= due.turns23_on ? 'age-23' : 'expired');
  });

  return {
    /** Applies a batch: each event in its own transaction and with its own acknowledgement, so one bad event never blocks the batch. */
    async deliver(region: string, events: SignalEvent[]): Promise<Ack[]> {
      // The family links come from the national index's own BRP lookups, before the transactions.
      const links = new Map<string, Links>();
      if (ctx.lookupFamily) {
        const lookup = ctx.lookupFamily;
        await Promise.all(events.filter((e) => e.kind === 'registered' && e.bsn && isValidBsn(e.bsn) && !q.processed.get(e.eventId)).map(async (e) => links.set(e.eventId, await lookup(e.bsn!))));
      }
      // One commit per batch. Events seldom fail, so the batch first runs without savepoints; when
      // an event throws, that attempt is rolled back whole and the batch runs again with each event
      // in its own savepoint, so the failing event is rolled back alone and the others go through.
      let acks: Ack[];
      try {
        acks = deliverAllTx(region, events, links);
      } catch (err) {
        if (!(err instanceof EventFailed)) throw err;
        feed.discardPending();
        acks = deliverTx(region, events, links);
      }
      feed.wake();
      return acks;
    },

    /** A region's digest against the national state, and its current matches (reconcile.ts). */
    reconcile: reconcile.signals,
    matchSnapshot: reconcile.matches,
    /** How many match snapshots are held for regions now. */
    heldSnapshots: reconcile.held,
    /** Lets go of the match snapshots held for regions (before the database closes). */
    close: reconcile.close,

    /** Looks up again the family links the BRP could not give at delivery (family.ts). */
    retryFamilyLookups: (): Promise<RetriedLookups> =>
      ctx.lookupFamily ? family.retryLookups(ctx.lookupFamily) : Promise.resolve({ found: 0, unknown: 0, stillUnavailable: 0 }),

    /** The national removal run: the same rules as a region's (7.1.4.5, 7.1.4.6). */
    runRemoval: () => {
      const day = today();
      let removed = 0;
      for (const due of q.dueActive.all(day)) {
        removeDueTx(due);
        removed++;
      }
      const destroyed = q.dueArchive.run(day).changes;
      feed.wake();
      return { removed, destroyed };
    },
  };
}

export type NationalIndex = ReturnType<typeof createNationalIndex>;

import type { BsnVault } from '../../region/crypto/bsn-vault.js';
import type { Db } from '../../region/store/db.js';
import type { AckResult, SignalEvent } from '../protocol/types.js';

/**
 * What a batch of events finds in the national index when it starts, read with a few statements
 * for the whole batch instead of several per event: which of its event ids were processed before,
 * which of its signals exist, and which of its youths have active signals or an active match. As
 * the batch runs, every signal and youth it touches is noted, and a question about one of those
 * goes to the database again; so each answer is the one a lookup of its own would give. The
 * processed marks are kept here and written in one statement at the end of the batch.
 *
 * Only for the batch's own transaction, and only for one attempt: a failed attempt is rolled back
 * whole and its snapshot thrown away.
 */
export interface BatchSnapshot {
  /** The region that processed this event id and what it was answered, if any (before the batch or earlier in it). */
  processedBy(eventId: string): Processed | undefined;
  markProcessed(eventId: string, region: string, result: AckResult, at: string): void;
  /** False when the signal certainly does not exist: unknown at the start and not touched since. Notes the signal as touched. */
  signalMayExist(signalId: string): boolean;
  /** The youth's blind index, computed once per BSN in the batch. */
  youthKey(bsn: string): string;
  /** True when the youth had no active signal and no active match at the start, and the batch has not touched it since. */
  youthUntouched(youthKey: string): boolean;
  touchYouth(youthKey: string): void;
  /** Writes the processed marks; call once, at the end of the batch, inside its transaction. */
  flush(): void;
}

export interface Processed {
  region_id: string;
  result: AckResult;
}

export function createBatchSnapshots(db: Db, vault: BsnVault) {
  // json_each turns one JSON array parameter into rows, so each lookup is one statement per batch;
  // each value is probed in the index (faster here than `IN (SELECT value FROM json_each(?))`,
  // which first builds a temporary index of the values).
  const q = {
    processed: db.prepare<[string], Processed & { event_id: string }>(
      'SELECT j.value AS event_id, p.region_id, p.result FROM json_each(?) j JOIN processed_events p ON p.event_id = j.value',
    ),
    signals: db.prepare<[string, string], { signal_id: string }>(
      'SELECT j.value AS signal_id FROM json_each(?) j WHERE EXISTS (SELECT 1 FROM signals WHERE region_id = ? AND signal_id = j.value)',
    ),
    // kind = 'person' as in the index's own active-match lookup (the partial unique index needs it).
    busyYouths: db.prepare<[string], { youth_key: string }>(
      `SELECT j.value AS youth_key FROM json_each(?) j
       WHERE EXISTS (SELECT 1 FROM signals WHERE youth_key = j.value AND status = 'active')
          OR EXISTS (SELECT 1 FROM matches WHERE youth_key = j.value AND status = 'active' AND kind = 'person')`,
    ),
    markProcessed: db.prepare(
      'INSERT INTO processed_events (event_id, region_id, result, processed_at) SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?)',
    ),
  };

  /**
   * Reads the snapshot of `region`'s batch. `keyed` says which events will need their youth's
   * blind index (registered events with a valid BSN); the keys of those not processed before are
   * computed here, once.
   */
  return function snapshot(region: string, events: readonly SignalEvent[], keyed: (e: SignalEvent) => boolean): BatchSnapshot {
    const processed = new Map<string, Processed>();
    for (const r of q.processed.all(JSON.stringify(events.map((e) => e.eventId)))) processed.set(r.event_id, { region_id: r.region_id, result: r.result });
    const existing = new Set<string>();
    for (const r of q.signals.all(JSON.stringify(events.map((e) => e.signalId)), region)) existing.add(r.signal_id);
    const keys = new Map<string, string>();
    for (const e of events) {
      if (!processed.has(e.eventId) && keyed(e) && !keys.has(e.bsn!)) keys.set(e.bsn!, vault.youthKey(e.bsn!));
    }
    const busy = new Set<string>();
    for (const r of q.busyYouths.all(JSON.stringify([...keys.values()]))) busy.add(r.youth_key);
    const touchedSignals = new Set<string>();
    const marks: [string, string, AckResult, string][] = [];

    return {
      processedBy: (eventId) => processed.get(eventId),
      markProcessed(eventId, byRegion, result, at) {
        processed.set(eventId, { region_id: byRegion, result });
        marks.push([eventId, byRegion, result, at]);
      },
      signalMayExist(signalId) {
        const may = existing.has(signalId) || touchedSignals.has(signalId);
        touchedSignals.add(signalId);
        return may;
      },
      youthKey(bsn) {
        let key = keys.get(bsn);
        if (key === undefined) {
          key = vault.youthKey(bsn);
          keys.set(bsn, key);
        }
        return key;
      },
      youthUntouched: (youthKey) => !busy.has(youthKey),
      touchYouth(youthKey) {
        busy.add(youthKey);
      },
      flush() {
        if (marks.length > 0) q.markProcessed.run(JSON.stringify(marks));
        marks.length = 0;
      },
    };
  };
}

export type BatchSnapshots = ReturnType<typeof createBatchSnapshots>;

import type { Ack } from '../national/protocol/types.js';
import type { RegionContext } from '../region/services/context.js';
import type { Outbox } from '../region/services/outbox.js';
import { isPermanent, RetryableError, type SyncClient } from './client.js';

/** A refusal that is about the moment, not the event: the national index says to send it again. */
const TRANSIENT_REFUSALS: ReadonlySet<string> = new Set(['VERWERKING_MISLUKT']);

/**
 * Delivers the outbox to the national index in batches, in outbox order (so in order per
 * signal). Accepted and duplicate events are marked delivered; an event the national index
 * rejects goes to the dead letters and never blocks the others. A batch refused as a whole is
 * split, so the one bad event is found. An event the national index could not process at that
 * moment (VERWERKING_MISLUKT, "safe to send again") stays in the outbox and the connector backs off
 * before it sends again. Once an event is delivered or dead, its sealed payload
 * (the BSN, the professional's contact details) is erased: nothing reads it again (reconcile sends
 * from the signals themselves), and the region must not keep a BSN its signal no longer holds.
 */
interface Row {
  seq: number;
  event_id: string;
  payload: Buffer;
}

export function createDelivery(ctx: RegionContext, outbox: Outbox, client: SyncClient) {
  const { db } = ctx;
  const q = {
    pending: db.prepare<[number], Row>('SELECT seq, event_id, payload FROM outbox WHERE delivered_at IS NULL AND dead_at IS NULL ORDER BY seq LIMIT ?'),
    delivered: db.prepare("UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, last_error = NULL, payload = X'' WHERE event_id = ? AND delivered_at IS NULL"),
    dead: db.prepare("UPDATE outbox SET dead_at = ?, dead_code = ?, last_error = ?, attempts = attempts + 1, payload = X'' WHERE event_id = ? AND delivered_at IS NULL"),
    failed: db.prepare('UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE seq IN (SELECT value FROM json_each(?))'),
  };

  /** Records the answers; returns the events to send again later. */
  const recordAcks = db.transaction((acks: Ack[], rows: Row[]): Ack[] => {
    const now = ctx.now().toISOString();
    const again: Ack[] = [];
    for (const a of acks) {
      if (a.result === 'rejected' && TRANSIENT_REFUSALS.has(a.code ?? '')) again.push(a);
      else if (a.result === 'rejected') q.dead.run(now, a.code ?? 'GEWEIGERD', a.message ?? null, a.eventId);
      else q.delivered.run(now, a.eventId);
    }
    if (again.length > 0) {
      const seqs = rows.filter((r) => again.some((a) => a.eventId === r.event_id)).map((r) => r.seq);
      q.failed.run(`${again[0].code}: ${again[0].message ?? ''}`, JSON.stringify(seqs));
    }
    return again;
  });

  async function send(rows: Row[]): Promise<void> {
    let acks: Ack[];
    try {
      ({ acks } = await client.call('LeverMeldingen', { region: ctx.config.region.id, events: rows.map((r) => outbox.open(r.payload)) }));
    } catch (err) {
      if (!isPermanent(err)) {
        q.failed.run((err as Error).message, JSON.stringify(rows.map((r) => r.seq)));
        throw err;
      }
      if (rows.length === 1) {
        recordAcks([{ eventId: rows[0].event_id, result: 'rejected', code: err.code, message: err.message }], rows);
        return;
      }
      const half = Math.ceil(rows.length / 2);
      await send(rows.slice(0, half));
      await send(rows.slice(half));
      return;
    }
    const again = recordAcks(acks, rows);
    if (again.length > 0) throw new RetryableError(`the national index could not process ${again.length} event(s) now (${again[0].code}); sending again later`);
  }

  return {
    /** Sends one batch; returns how many events it took, 0 when the outbox is empty. Throws a retryable error. */
    async deliverBatch(): Promise<number> {
      const rows = q.pending.all(ctx.config.national.batchSize);
      if (rows.length === 0) return 0;
      await send(rows);
      return rows.length;
    },
  };
}

export type Delivery = ReturnType<typeof createDelivery>;

import type { SignalEvent, WireRemovalReason } from '../../national/protocol/types.js';
import type { RegionContext } from './context.js';
import type { NoticeService } from './notices.js';
import { uuid7 } from '../store/ids.js';

/**
 * The outbox of signal events for the national index, written in the same transaction as the
 * signal change (so nothing is lost and nothing is sent that did not happen). Each row holds one
 * event sealed with the BSN key (it carries the BSN), an idempotency id, and its delivery state.
 * The sealed event is erased once it is delivered or dead (connector/delivery.ts); the row stays,
 * for the operator's counts and dead letters.
 */
export interface OutboxSignal {
  id: string;
  professional_id: string;
  municipality: string;
  registered_at: string;
  removal_date: string | null;
  turns23_on: string | null;
}

export function createOutbox(ctx: RegionContext, notices: NoticeService) {
  const { db, vault } = ctx;
  const insert = db.prepare('INSERT INTO outbox (event_id, signal_id, kind, payload, created_at) VALUES (?, ?, ?, ?, ?)');
  const enabled = ctx.config.national.enabled;
  const listeners = new Set<() => void>();

  function add(event: SignalEvent): void {
    insert.run(event.eventId, event.signalId, event.kind, vault.seal(JSON.stringify(event)), event.occurredAt);
    for (const l of listeners) queueMicrotask(l);
  }

  function professionalOf(id: string): SignalEvent['professional'] {
    const c = notices.contactOf(id)!;
    return { id, name: c.name, function: c.function, email: c.email, phone: c.phone, institution: c.institution.name };
  }

  return {
    enabled,
    /** Called by the connector to be woken when a new event is written. */
    onAdd(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    registered(s: OutboxSignal, bsn: string): void {
      if (!enabled) return;
      add({
        eventId: uuid7(), kind: 'registered', signalId: s.id, occurredAt: ctx.now().toISOString(), bsn, turns23On: s.turns23_on!,
        municipality: s.municipality, professional: professionalOf(s.professional_id), registeredAt: s.registered_at, removalDate: s.removal_date!,
      });
    },
    extended(s: OutboxSignal): void {
      if (!enabled) return;
      add({ eventId: uuid7(), kind: 'extended', signalId: s.id, occurredAt: ctx.now().toISOString(), removalDate: s.removal_date! });
    },
    removed(signalId: string, reason: WireRemovalReason): void {
      if (!enabled) return;
      add({ eventId: uuid7(), kind: 'removed', signalId, occurredAt: ctx.now().toISOString(), reason });
    },
    open(payload: Buffer): SignalEvent {
      return JSON.parse(vault.open(payload)) as SignalEvent;
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;

import type { SignalEvent, WireRemovalReason } from '../../national/protocol/types.js';
import type { RegionContext } from './context.js';
import type { NoticeService } from './notices.js';
import { uuid7 } from '../store/ids.js';
import { dateInZone } from '../domain/calendar.js';
import { maxRemovalDate } from '../domain/signal-rules.js';

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

  function registered(s: OutboxSignal, bsn: string): void {
    if (!enabled) return;
    add({
      eventId: uuid7(), kind: 'registered', signalId: s.id, occurredAt: ctx.now().toISOString(), bsn, turns23On: s.turns23_on!,
      municipality: s.municipality, professional: professionalOf(s.professional_id), registeredAt: s.registered_at, removalDate: s.removal_date!,
    });
  }

  function extended(s: OutboxSignal): void {
    if (!enabled) return;
    add({ eventId: uuid7(), kind: 'extended', signalId: s.id, occurredAt: ctx.now().toISOString(), removalDate: s.removal_date! });
  }

  return {
    enabled,
    /** Called by the connector to be woken when a new event is written. */
    onAdd(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    registered,
    extended,
    /**
     * An active signal sent again, for the national index to learn it or its present details (a
     * reconcile; a hand-over's new professional): as registered with the removal date it could have
     * had at registration, since the national index checks a new signal's date against two years
     * from then (7.1.4.5) and an extension may have moved it past that; then its present date as an
     * extension. For a signal the national index holds, the registered event only brings the
     * professional's contact details.
     */
    sentAgain(s: OutboxSignal, bsn: string): void {
      if (!enabled) return;
      const firstTerm = maxRemovalDate(dateInZone(new Date(s.registered_at), ctx.config.timeZone), s.turns23_on!);
      registered({ ...s, removal_date: s.removal_date! < firstTerm ? s.removal_date : firstTerm }, bsn);
      extended(s);
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
